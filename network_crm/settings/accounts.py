"""Signing in: passwords, lockouts (django-axes), django-allauth's accounts, two-factor and
single sign-on with one OpenID Connect provider (accounts/, docs/sign-in.md)."""

from django.core.exceptions import ImproperlyConfigured

from ..env import env_bool, env_int, env_list, env_str
from ..oidc import openid_connect_providers

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Self-hosted installs are single-household by default; turn on to let visitors sign up.
SIGNUP_ENABLED = env_bool("NETWORK_CRM_SIGNUP", False)

# Brute-force protection (django-axes): lock a username+IP after a few failed sign-in steps
# (password, two-factor code, recovery code, security key; accounts/lockouts.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "network_crm.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockouts.username_of"
# No "AXES: BEGIN version …" banner on every manage.py command and process start.
AXES_VERBOSE = False

# Sign-in, two-factor and single sign-on: django-allauth.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_PREVENT_ENUMERATION = True
# Seconds a sign-in (or a password asked again) counts as recent for changing two-factor.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Mail the user when two-factor is turned on or off, or a key is added or removed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Failed sign-ins are locked out per username and address by axes (in the database);
# accounts/throttles.py adds per-address limits in the cache: failed passwords across all
# usernames (guessing many accounts from one place) and passkey sign-ins. allauth's own rate
# limits are off: they would fail every sign-in while the cache is down.
ACCOUNT_RATE_LIMITS = False
SIGN_IN_THROTTLES = {
    "password_failures": (env_int("NETWORK_CRM_SIGN_IN_FAILURES_PER_MINUTE", 20, minimum=1), 60),
    "passkey": (env_int("NETWORK_CRM_PASSKEY_SIGN_INS_PER_MINUTE", 10, minimum=1), 60),
    # Password reset mails: per address asked for, and per client address, in an hour.
    "password_reset_address": (
        env_int("NETWORK_CRM_PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 3, minimum=1), 3600
    ),
    "password_reset_client": (
        env_int("NETWORK_CRM_PASSWORD_RESETS_PER_CLIENT_PER_HOUR", 10, minimum=1), 3600
    ),
}
MFA_ADAPTER = "accounts.adapters.TwoFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {
    "authenticate": "accounts.forms.SecondFactorForm",
    "authenticate_webauthn": "accounts.forms.SecondFactorKeyForm",
    "reauthenticate": "accounts.forms.ReauthenticateCodeForm",
    "login_webauthn": "accounts.forms.PasskeySignInForm",
}
MFA_TOTP_ISSUER = env_str("NETWORK_CRM_TOTP_ISSUER", "network_crm")
# This app does not verify email addresses itself; two-factor does not depend on one.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_RATE_LIMITS = False

# Single sign-on with one OpenID Connect provider (Authentik, Keycloak, Google, Azure AD...).
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SingleSignOnAdapter"
OIDC_SERVER_URL = env_str("NETWORK_CRM_OIDC_SERVER_URL", "")
OIDC_PROVIDER_ID = "sso"
OIDC_NAME = env_str("NETWORK_CRM_OIDC_NAME", "single sign-on")
# Accounts are linked by the email the provider says it verified; turn on to trust the
# provider's emails as verified when it does not say so (Azure AD sends no email_verified).
OIDC_EMAIL_VERIFIED = env_bool("NETWORK_CRM_OIDC_EMAIL_VERIFIED", False)
# Create an account on the first sign-in of someone no account matches.
OIDC_CREATE_USERS = env_bool("NETWORK_CRM_OIDC_CREATE_USERS", False)
# Sign-in with a password turned off: single sign-on only.
SSO_ONLY = env_bool("NETWORK_CRM_SSO_ONLY", False)
if OIDC_SERVER_URL:
    _oidc_client_id = env_str("NETWORK_CRM_OIDC_CLIENT_ID")
    if not _oidc_client_id:
        raise ImproperlyConfigured("NETWORK_CRM_OIDC_CLIENT_ID must be set with NETWORK_CRM_OIDC_SERVER_URL")
    SOCIALACCOUNT_PROVIDERS = openid_connect_providers(
        provider_id=OIDC_PROVIDER_ID,
        name=OIDC_NAME,
        server_url=OIDC_SERVER_URL,
        client_id=_oidc_client_id,
        secret=env_str("NETWORK_CRM_OIDC_CLIENT_SECRET", ""),
        email_verified=OIDC_EMAIL_VERIFIED,
        scopes=env_list("NETWORK_CRM_OIDC_SCOPES", ["openid", "profile", "email"]),
    )
elif SSO_ONLY:
    raise ImproperlyConfigured("NETWORK_CRM_SSO_ONLY needs NETWORK_CRM_OIDC_SERVER_URL")
else:
    SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
