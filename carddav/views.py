"""Settings → Phones (CardDAV): app passwords and how to add the address book."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from contacts.access import get_owned_or_404

from . import auth, selectors
from .forms import AppPasswordForm
from .models import AppPassword


def _page(request, *, form=None, new_password=None, status=200):
    context = {
        "passwords": selectors.app_passwords(request.user),
        "form": form or AppPasswordForm(),
        "new_password": new_password,
        "server_url": request.build_absolute_uri(reverse("carddav:root")),
        "book_url": request.build_absolute_uri(
            reverse("carddav:addressbook", kwargs={"username": request.user.get_username()})
        ),
    }
    return render(request, "carddav/settings.html", context, status=status)


@require_GET
def phones_page(request):
    return _page(request)


@require_POST
def app_password_create(request):
    form = AppPasswordForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    row, password = auth.create_app_password(request.user, form.cleaned_data["name"])
    # Rendered, not redirected: the password is shown this once and is not kept anywhere.
    return _page(request, new_password={"row": row, "password": password})


@require_POST
def app_password_revoke(request, pk):
    row = get_owned_or_404(AppPassword, request.user, pk=pk)
    auth.revoke_app_password(row)
    messages.success(request, f"App password for “{row.name}” revoked: that device is signed out.")
    return redirect("carddav_settings:page")
