"""The Settings page: time zone, weekly digest day and hour, cadence defaults per tier, the
user's own place, and the calendar feed's secret link (rotated by interactions.calendar_feed)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contacts.services import get_profile

from .. import digests
from .forms import ProfileForm
from .services import save_settings

SAVED = "Settings saved."
SAVED_RESCHEDULING = (
    "Settings saved. Your reminders are being rescheduled to match;"
    " the dashboard shows their new dates in a moment."
)


@require_http_methods(["GET", "POST"])
def settings_view(request):
    """The user's settings: time zone, digest day and hour, cadence defaults, own place."""
    profile = get_profile(request.user)
    form = ProfileForm(request.POST or None, instance=profile, user=request.user)
    saved = None
    if request.method == "POST" and form.is_valid():
        # The next page shows times in the new zone (contacts.middleware); the due dates follow
        # once the worker has moved them.
        saved = SAVED_RESCHEDULING if save_settings(form) else SAVED
        if not request.htmx:  # with htmx the form fragment says it inline
            messages.success(request, saved)
            return redirect("settings")
    if form.errors:
        profile.refresh_from_db()  # a refused form left its values on it: show the saved ones
    now = timezone.now()
    context = {
        "form": form,
        "saved": saved,
        "profile": profile,
        "next_digest_at": digests.next_digest_at(profile, now),
        "now": now,
        "last_digest": digests.last_digest(request.user),
        "calendar_url": request.build_absolute_uri(
            reverse("calendar_feed", args=[profile.calendar_token])
        ),
    }
    if request.htmx:
        # After a save the digest card beside the form changes too (out-of-band swap).
        fragment = "settings_saved" if form.is_bound else "settings_form"
        return render(request, f"interactions/settings_page/settings.html#{fragment}", context)
    return render(request, "interactions/settings_page/settings.html", context)
