"""allauth's sign-in forms with network_crm's rules: single sign-on only turns passwords and
passkeys off, and every step after the password counts towards the same lockout."""

from allauth.account.forms import LoginForm
from allauth.core import context
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm, LoginWebAuthnForm
from django import forms
from django.conf import settings

from . import services, throttles
from .lockouts import LOCKED_OUT, record_failure, refuse_if_locked

PASSWORDS_OFF = "Sign-in with a password is turned off here: use single sign-on."
PASSKEYS_OFF = "Sign-in with a passkey is turned off here: use single sign-on."
THROTTLED = "Too many failed sign-ins from your address. Try again in a minute."


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username"
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def clean(self):
        if settings.SSO_ONLY:
            raise forms.ValidationError(PASSWORDS_OFF, code="sso_only")
        if self.errors:
            return self.cleaned_data
        if throttles.is_throttled(self.request, "password_failures"):
            self.request.sign_in_throttled = True
            raise forms.ValidationError(THROTTLED, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            throttles.count(self.request, "password_failures")
            raise


class _CountsFailures:
    """Checks the lockout before a code or key is tried, and counts a wrong one."""

    def _guarded(self, user, check):
        request = context.request
        if refuse_if_locked(request, user):
            raise forms.ValidationError(LOCKED_OUT, code="locked_out")
        try:
            return check()
        except forms.ValidationError:
            record_failure(request, user)
            raise


class _ChecksCodes(_CountsFailures):
    """Codes checked by accounts.services (used-up codes recorded in the database) rather than
    by allauth's check, which records them in the cache and fails while it is down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Code"
        code.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "placeholder": ""})

    def clean_code(self):
        return self._guarded(self.user, self._check_code)

    def _check_code(self):
        code = self.cleaned_data["code"]
        authenticator = services.verify_code(self.user, code)
        if authenticator is None:
            raise get_mfa_adapter().validation_error("incorrect_code")
        authenticator.user = self.user
        self.authenticator = authenticator
        return code


class SecondFactorForm(_ChecksCodes, AuthenticateForm):
    """The code from an authenticator app, or a recovery code, after the password."""


class SecondFactorKeyForm(_CountsFailures, AuthenticateWebAuthnForm):
    """A passkey or security key, after the password."""

    def clean_credential(self):
        return self._guarded(self.user, super().clean_credential)


class ReauthenticateCodeForm(_ChecksCodes, ReauthenticateForm):
    """A code asked again before two-factor is changed."""


class PasskeySignInForm(LoginWebAuthnForm):
    """A passkey alone. A failed one is not counted against the account it names (anyone can
    name any account); allauth throttles those per address instead."""

    def clean_credential(self):
        if settings.SSO_ONLY:
            raise forms.ValidationError(PASSKEYS_OFF, code="sso_only")
        authenticator = super().clean_credential()
        if refuse_if_locked(context.request, authenticator.user):
            raise forms.ValidationError(LOCKED_OUT, code="locked_out")
        return authenticator
