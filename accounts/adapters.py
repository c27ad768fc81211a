"""django-allauth adapted to network_crm: the client address behind a proxy, the app's wording,
and how single sign-on finds and creates accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from network_crm.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "Please enter a correct username and password. Note that both fields may be "
            "case-sensitive."
        ),
        "too_many_login_attempts": "Too many failed sign-ins from your address. Try again in a minute.",
    }

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # Accounts here keep their address on the user (Settings), not in allauth's table.
        super().send_notification_mail(template_prefix, user, context, email or user.email or None)

    def is_open_for_signup(self, request) -> bool:
        # Self-service sign-up is network_crm/signup.py (NETWORK_CRM_SIGNUP); allauth's own
        # sign-up pages are not mounted.
        return False


class TwoFactorAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right, or was used already. Codes change every 30 seconds.",
    }

    def _get_site_name(self) -> str:
        # The name authenticator apps and passkey prompts show next to the account.
        return settings.MFA_TOTP_ISSUER


class SingleSignOnAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return settings.OIDC_CREATE_USERS

    def authenticate_by_email(self, sociallogin):
        """The one active account whose email the provider vouches for; none when two accounts
        share it (which of them is meant is not ours to guess)."""
        User = get_user_model()
        for address in sociallogin.email_addresses:
            if not address.verified or not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            users = list(User.objects.filter(email__iexact=address.email, is_active=True)[:2])
            if len(users) == 1:
                return users[0], address.email
        return None

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("account_security")
