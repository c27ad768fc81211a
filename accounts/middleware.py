"""The admin's "require two-factor for staff" rule, applied on every request of a staff user."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from . import selectors

# What a staff member without two-factor may still open: the pages that set it up, and out.
SETUP_PAGES = {
    "account_security",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "account_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "logout",
    "account_logout",
    "healthz",
}
SETUP_NEEDED = "Your administrator asks staff to use two-factor: set up an authenticator app or a passkey first."


class TwoFactorForStaffMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SETUP_PAGES:
            return None
        if not selectors.staff_must_use_two_factor() or selectors.has_two_factor(user):
            return None
        messages.warning(request, SETUP_NEEDED)
        url = reverse("account_security")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
