"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a
process of its own (serve.py), with its own SQLite file, RSA key and cookies. It stands for
Authentik, Keycloak, Google or Azure AD."""

import os
from pathlib import Path

SECRET_KEY = "identity-provider-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.accounts.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_TEST_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Its own cookie names: the app under test may share the host name.
SESSION_COOKIE_NAME = "idp_session"
CSRF_COOKIE_NAME = "idp_csrftoken"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["OIDC_TEST_RSA_KEY"],
    "SCOPES": {"openid": "OpenID Connect", "profile": "Your name", "email": "Your email"},
    "OAUTH2_VALIDATOR_CLASS": "tests.accounts.oidc_provider.validator.ClaimsValidator",
    "PKCE_REQUIRED": True,
}
# Users whose email this provider does not vouch for (email_verified: false).
UNVERIFIED_USERS = set(filter(None, os.environ.get("OIDC_TEST_UNVERIFIED", "").split(",")))
