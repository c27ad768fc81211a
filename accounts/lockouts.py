"""Lockouts for every step of signing in, kept by django-axes per username and client address.

The password step is counted by axes itself (its authentication backend and Django's
user_login_failed signal). The steps after it (a code from the authenticator app, a recovery
code, a security key) go through `refuse_if_locked` and `record_failure` here, so that a
stolen password cannot be followed by guessing codes, and a lockout earned at any step holds
at every step. The address is network_crm.client_ip's, so it holds behind a reverse proxy.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed

LOCKED_OUT = "Too many failed sign-ins. Try again later."


def username_of(request, credentials) -> str | None:
    """The username axes counts failures against (AXES_USERNAME_CALLABLE): allauth's backend
    passes `username`; its sign-in form posts `login`."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    if request is not None and request.method == "POST":
        return request.POST.get("login") or request.POST.get("username")
    return None


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def refuse_if_locked(request, user) -> bool:
    """True when `user` may not sign in from this address now; the request is then marked so
    that AxesMiddleware answers with the lockout page whatever the view returns."""
    credentials = _credentials(user)
    if AxesProxyHandler.is_allowed(request, credentials):
        return False
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return True


def record_failure(request, user) -> None:
    """Count a wrong code or key for `user` from this address, as a wrong password is."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
