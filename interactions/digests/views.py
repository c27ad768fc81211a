"""Pages around the weekly digest: the browser preview, the one-click links from the email
(signed, expiring, one action each, no sign-in) and one-click unsubscribe (RFC 8058)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from contacts.access import get_owned_or_404
from contacts.models import Profile
from contacts.services import get_profile
from network_crm import fragment_cache

from .. import digests, followups
from ..followups.selectors import follow_up_reason_text
from ..models import FollowUp, FollowUpStatus

SNOOZE_DAYS = 7
# Names of the preview's fragments in the user's cache (network_crm.fragment_cache).
PREVIEW = "digest-preview"
PREVIEW_EMAIL = "digest-preview-email"


@require_GET
def digest_preview(request):
    """The user's digest as it would go out now, with the text part and a link to the email.
    The digest itself is kept per user like the dashboard's cards (network_crm/fragment_cache.py)
    until they write anything; when the next one goes out is reckoned on every visit."""
    profile = get_profile(request.user)
    now = timezone.now()
    today = followups.local_today(profile, now)

    def digest_context():
        context = digests.build_digest(request.user, now, profile=profile, links=False)
        return context | {"text": digests.digest_text(context)}

    digest = fragment_cache.partial(
        request, today, PREVIEW, "interactions/digests/preview.html#digest", digest_context
    )
    return render(
        request,
        "interactions/digests/preview.html",
        {
            "digest": digest,
            "today": today,
            "week_end": today + timedelta(days=6),
            "next_digest_at": digests.next_digest_at(profile, now),
            "now": now,
        },
    )


# The email's own HTML styles itself (a <style> block and a few inline styles, no stylesheet
# link); this one response allows them, and nothing else: no scripts, no remote loads, sandboxed.
@require_GET
@csp_override(
    {
        "default-src": [CSP.NONE],
        "style-src": [CSP.UNSAFE_INLINE],
        "img-src": ["data:"],
        "sandbox": True,
        "form-action": [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
    }
)
def digest_preview_email(request):
    """The digest email's HTML part, exactly as sent (without live one-click links); kept per
    user like the preview. The user's zone is active (UserTimeZoneMiddleware): today costs no
    query."""

    def render_email():
        return digests.digest_html(digests.build_digest(request.user, timezone.now(), links=False))

    return HttpResponse(
        fragment_cache.text(request.user.pk, timezone.localdate(), PREVIEW_EMAIL, render_email)
    )


def _invalid_link(request, reason: str):
    return render(request, "interactions/digests/link_invalid.html", {"reason": reason}, status=400)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def digest_action(request, token):
    """A one-click link from the digest. GET only asks to confirm (mail scanners prefetch
    links); POST does the one action the signed token names, for its one user."""
    try:
        user_id, follow_up_id, action = digests.read_action_token(token)
    except signing.SignatureExpired:
        return _invalid_link(request, "This link has expired. Open network_crm to do it there.")
    except signing.BadSignature:
        return _invalid_link(request, "This link is not valid.")
    follow_up = get_owned_or_404(
        FollowUp.objects.select_related("contact"), user_id, pk=follow_up_id, owner__is_active=True
    )
    profile = get_profile(follow_up.owner)
    today = followups.local_today(profile)
    until = today + timedelta(days=SNOOZE_DAYS)
    is_open = follow_up.status in followups.OPEN_STATUSES
    already = not is_open or (
        action == "snooze"
        and follow_up.status == FollowUpStatus.SNOOZED
        and follow_up.snoozed_until >= until
    )
    done = False
    if request.method == "POST" and not already:
        if action == "done":
            followups.mark_done(follow_up)
        else:
            followups.snooze(follow_up, until)
        done = True
    return render(
        request,
        "interactions/digests/action.html",
        {
            "follow_up": follow_up,
            "action": action,
            "action_label": digests.ACTIONS[action],
            "until": until,
            "done": done,
            "already": already,
            "reason": follow_up_reason_text(follow_up, today, profile=profile),
        },
    )


# Mail clients POST here without a CSRF token (RFC 8058 one-click); the signed token is the
# authorisation and the only thing it can do is turn the digest off.
@login_not_required
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token):
    """GET asks to confirm; POST (from the page or the mail client) turns the digest off."""
    try:
        user_id = digests.read_unsubscribe_token(token)
    except signing.BadSignature:
        return _invalid_link(request, "This unsubscribe link is not valid.")
    profile = Profile.objects.filter(owner_id=user_id, owner__is_active=True).first()
    if profile is None:
        raise Http404("No such user")
    if request.method == "POST":
        digests.turn_digest_off(profile)
        return render(
            request, "interactions/digests/unsubscribe.html", {"done": True, "profile": profile}
        )
    return render(
        request, "interactions/digests/unsubscribe.html", {"done": False, "profile": profile}
    )
