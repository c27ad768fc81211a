from functools import wraps

from allauth.account.views import login as allauth_login
from allauth.mfa.webauthn.views import login_webauthn
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors, throttles


@require_GET
def security(request):
    """Sign-in and security: password, two-factor, recovery codes, single sign-on."""
    return render(request, "accounts/security.html", selectors.sign_in_overview(request.user))


def unless_sso_only(view):
    """Passwords are not set, reset or changed here when sign-in is single sign-on only."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.SSO_ONLY:
            raise Http404("Passwords are turned off: sign-in is single sign-on only.")
        return view(request, *args, **kwargs)

    return wrapper


@login_not_required
def sign_in(request, *args, **kwargs):
    """allauth's sign-in page, answering 429 when this address has failed too often."""
    response = allauth_login(request, *args, **kwargs)
    if getattr(request, "sign_in_throttled", False):
        response.status_code = 429
    return response


@login_not_required
def passkey_sign_in(request, *args, **kwargs):
    """allauth's passkey sign-in (its options, then the signed answer), throttled per address:
    a failed passkey names an account anyone could name, so it counts against no account."""
    if throttles.is_throttled(request, "passkey"):
        return render(request, "accounts/throttled.html", status=429)
    throttles.count(request, "passkey")
    return login_webauthn(request, *args, **kwargs)
