"""Settings for network_crm, read from environment variables (docs/configuration.md).

Defaults are safe for production (DEBUG off, secure cookies, HSTS, strict CSP) and need no
servers: SQLite in WAL mode and a filesystem Celery broker under the data folder. Setting
DATABASE_URL and REDIS_URL moves the same app onto PostgreSQL and Redis.
"""

import secrets
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from .env import (
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_phone_region,
    env_str,
    env_vapid_private_key,
)
from .mail import mailer_from_url
from .oidc import openid_connect_providers, provider_origin

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("NETWORK_CRM_DATA_DIR") or BASE_DIR / "data")

DEBUG = env_bool("DJANGO_DEBUG", False)


def _local_key(name: str) -> str | None:
    """A key that `make run` keeps in the data folder (secret_key, encryption_key,
    vapid_private_key), read when its environment variable is unset, so `manage.py` commands
    work as written in a checkout set up by `make run`. Settings never create these files
    (except the secret key under DJANGO_DEBUG=1), and a file other users may read is refused.
    Deployments set the variables: docker-compose.yml requires DJANGO_SECRET_KEY, and the image's
    data folder (/data) starts empty (docs/configuration.md, "Keys")."""
    path = DATA_DIR / name
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} may be read by other users: `chmod 600 {path}`, or set the variable instead."
        )
    return path.read_text().strip() or None


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY") or _local_key("secret_key")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (`make run` keeps one in "
            f"{DATA_DIR / 'secret_key'}, read when the variable is unset)."
        )
    # Development only: a random key kept in the data folder so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's own widget templates, for FORM_RENDERER below
    "django_htmx",
    "import_export",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "contacts",
    "interactions",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "capture",
    "notifications",
    "webapp",
    # Above contacts and interactions: they may import both, neither imports them.
    "api",
    "carddav",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "contacts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.TwoFactorForStaffMiddleware",
    "network_crm.fragment_cache.FragmentCacheMiddleware",
]

ROOT_URLCONF = "network_crm.urls"
WSGI_APPLICATION = "network_crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "network_crm.navigation.navigation",
            ],
        },
    },
]

# Widgets render through the project's templates, so a widget's template (the contact picker's,
# contacts.widgets) can live in templates/ and include the ones the pages use.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, else a SQLite file in WAL mode under the data folder.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        )
    }
    # Reconnect after a database restart without a manual step.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's default random_page_cost (4) prices an index lookup as a read from a
        # spinning disk. With SSDs, or a working set in memory, 1.1 is the usual advice. With
        # the default, the planner reads all 5,000 contacts of an account rather than look up
        # the 70 a search found, or the 50 rows of a page's tags and emails.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c random_page_cost=1.1 -c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite builds contacts.Contact's covering index (contact_owner_search) without its INCLUDE
# column, as a plain owner index: nothing is lost but the index-only scan, so no warning.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

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

# The client's address behind a reverse proxy (network_crm/client_ip.py): X-Forwarded-For is
# believed only from these addresses. Behind a proxy the default is loopback and the private
# networks, where a proxy in front of a container sits; list the proxy's own address to be
# strict. Not behind a proxy, nobody's header is believed.
TRUSTED_PROXIES = env_networks(
    "DJANGO_TRUSTED_PROXIES",
    ["127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
    if env_bool("DJANGO_BEHIND_PROXY", False)
    else [],
)

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

# Sign-in, two-factor and single sign-on: django-allauth (accounts/, docs/sign-in.md).
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

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Hashed, compressed file names in production (after `collectstatic`); plain files found in
# place for development and tests.
_STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not _STATIC_MANIFEST
MEDIA_ROOT = DATA_DIR / "media"

# Security. Every default is the production one; `make run` relaxes the HTTPS-only parts for
# http://127.0.0.1 through the variables below.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks from inside the deployment speak plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Read from the cache, kept in the database; served from the database when the cache is down.
SESSION_ENGINE = "network_crm.sessions"
# How long a session's cached copy lives before it is read from the database again: the most a
# sign-out made while the cache was down can be undone by the copy (network_crm/sessions.py).
SESSION_CACHE_SECONDS = env_int("NETWORK_CRM_SESSION_CACHE_SECONDS", 300, minimum=1)
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: htmx and the stylesheet are served from static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *([provider_origin(OIDC_SERVER_URL)] if OIDC_SERVER_URL else [])],
    "frame-ancestors": [CSP.NONE],
}

# Email: EMAIL_URL (smtp://user:password@host:587?tls=1, console://, file:///path), else files
# under the data folder so a new user can open the digest they were sent.
MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL") or f"file://{DATA_DIR / 'mail'}")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "network_crm <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Imports with more rows than this, or files larger than IMPORT_SYNC_MAX_KB, are read by the
# Celery worker (the web request only stores the file), with a progress bar.
IMPORT_SYNC_MAX_ROWS = env_int("NETWORK_CRM_IMPORT_SYNC_MAX_ROWS", 2000, minimum=1)
IMPORT_SYNC_MAX_KB = env_int("NETWORK_CRM_IMPORT_SYNC_MAX_KB", 512, minimum=1)
# Limits of an uploaded contact file (docs/importing.md, "Limits"): its size, and its rows
# (the worker's memory grows with them; 500,000 stay under 300 MB).
IMPORT_MAX_UPLOAD_MB = env_int("NETWORK_CRM_IMPORT_MAX_UPLOAD_MB", 200, minimum=1)
IMPORT_MAX_ROWS = env_int("NETWORK_CRM_IMPORT_MAX_ROWS", 500_000, minimum=1)
# A running import that has not moved on for this long is shown as stalled (its worker died),
# with "Try again" and "Cancel".
IMPORT_STALLED_SECONDS = env_int("NETWORK_CRM_IMPORT_STALLED_SECONDS", 600, minimum=1)
# Import jobs (their upload and row report) are removed this many days after their last step.
IMPORT_KEEP_DAYS = env_int("NETWORK_CRM_IMPORT_KEEP_DAYS", 7, minimum=1)
# A JSON export uploaded on the Restore page (docs/usage.md): the worker holds the whole
# document while it restores (about 4 times the file's size in memory). Larger files are
# restored with `manage.py restore_data`. Restores use the import settings above for when the
# worker takes over (IMPORT_SYNC_MAX_KB), when a run is stalled and when a forgotten one ends.
RESTORE_MAX_UPLOAD_MB = env_int("NETWORK_CRM_RESTORE_MAX_UPLOAD_MB", 100, minimum=1)
# Phone numbers written without a country code are read as numbers of this region (ISO
# 3166 code) until the user picks their own in Settings.
PHONE_REGION = env_phone_region("NETWORK_CRM_PHONE_REGION", "US")
# Absolute links in emails (digest one-click actions, password reset), reminders and the
# calendar feed start with this. Unset, the local address on PORT (`make run PORT=8200`).
SITE_URL = (
    env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"
).rstrip("/")

# Credentials of calendars and mailboxes (capture/) are encrypted with these Fernet keys
# (comma-separated: the first encrypts, all decrypt, for rotation). `make run` creates one in
# the data folder; without one, no source can be added.
def _encryption_keys() -> list[str]:
    from cryptography.fernet import Fernet

    if env_str("NETWORK_CRM_ENCRYPTION_KEY") is None:
        keys = [key for key in [_local_key("encryption_key")] if key]
    else:
        keys = env_list("NETWORK_CRM_ENCRYPTION_KEY", [])
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                "NETWORK_CRM_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded "
                "bytes each, comma-separated); make one with `python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
            ) from None
    return keys


CAPTURE_ENCRYPTION_KEYS = _encryption_keys()
# How often each calendar and mailbox is read, and how far back the first read looks.
CAPTURE_READ_SECONDS = env_int("NETWORK_CRM_CAPTURE_READ_SECONDS", 15 * 60, minimum=1)
CAPTURE_LOOKBACK_DAYS = env_int("NETWORK_CRM_CAPTURE_LOOKBACK_DAYS", 30, minimum=1)
# Calendar hosts and mail servers on this machine or a private network are refused unless
# allowed (a LAN Nextcloud, say): any user could otherwise probe internal services. `make run`
# (one person on their own laptop) allows them.
CAPTURE_ALLOW_PRIVATE_HOSTS = env_bool("NETWORK_CRM_CAPTURE_ALLOW_PRIVATE_HOSTS", False)
# Mail servers and calendar hosts that answer slower than this count as failing.
CAPTURE_TIMEOUT_SECONDS = env_int("NETWORK_CRM_CAPTURE_TIMEOUT_SECONDS", 30, minimum=1)

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    # "localhost" is ignored by the transport; without a host kombu warns at every start.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # Files, not process memory: gunicorn's workers and the Celery worker share what they cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Tests run tasks in-process; a real worker is exercised by the tests marked `services`.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)


def _every(name: str, default_seconds: int) -> int:
    return env_int(f"NETWORK_CRM_{name}_SECONDS", default_seconds, minimum=1)


def _scanner(task: str, seconds: int) -> dict:
    return {"task": task, "schedule": seconds, "options": {"expires": seconds * 0.9}}


# The beat schedule: beat only starts short scanner tasks; each scanner re-reads the database,
# so a lost message is made up by the next tick. `expires` sits just under the period so a
# backlog never runs the same scan twice in a row. Exactly one beat process may run.
# Each period is overridable: NETWORK_CRM_<NAME>_SECONDS, e.g. NETWORK_CRM_DIGEST_SCAN_SECONDS.
SCHEDULER_TICK_SECONDS = _every("SCHEDULER_TICK", 60)
# Each worker records a heartbeat this often (/healthz: stale after three missed).
WORKER_HEARTBEAT_SECONDS = _every("WORKER_HEARTBEAT", 30)
FOLLOW_UP_SCAN_SECONDS = _every("FOLLOW_UP_SCAN", 300)
# Digests go out within this many seconds after the user's chosen local hour.
DIGEST_SCAN_SECONDS = _every("DIGEST_SCAN", 300)
STRENGTH_RECOMPUTE_SECONDS = _every("STRENGTH_RECOMPUTE", 24 * 3600)
# Claims the calendars and mailboxes due (each is read every CAPTURE_READ_SECONDS).
CAPTURE_SCAN_SECONDS = _every("CAPTURE_SCAN", 60)
# Chat and push reminders leave within this many seconds after the user's chosen local hour.
REMINDER_SCAN_SECONDS = _every("REMINDER_SCAN", 300)
WEBHOOK_SCAN_SECONDS = _every("WEBHOOK_SCAN", 60)
IMPORT_CLEANUP_SECONDS = _every("IMPORT_CLEANUP", 3600)
# A deleted contact's copy (kept for its Undo, ten minutes) is gone this soon after the window.
DELETED_CONTACT_CLEANUP_SECONDS = _every("DELETED_CONTACT_CLEANUP", 600)
CELERY_BEAT_SCHEDULE = {
    "scheduler-tick": _scanner("interactions.tasks.record_scheduler_tick", SCHEDULER_TICK_SECONDS),
    "scan-follow-ups": _scanner("interactions.tasks.scan_follow_ups", FOLLOW_UP_SCAN_SECONDS),
    "scan-digests": _scanner("interactions.tasks.scan_digests", DIGEST_SCAN_SECONDS),
    # Strength decays with time even when nothing is logged; one set-based pass a day.
    "recompute-strength": _scanner(
        "interactions.tasks.recompute_strength", STRENGTH_RECOMPUTE_SECONDS
    ),
    "scan-capture-sources": _scanner("capture.tasks.scan_sources", CAPTURE_SCAN_SECONDS),
    "scan-reminders": _scanner("notifications.tasks.scan_reminders", REMINDER_SCAN_SECONDS),
    # Outgoing webhooks: finds new events, queues their deliveries and the retries that are due.
    "scan-webhooks": _scanner("api.tasks.scan_webhooks", WEBHOOK_SCAN_SECONDS),
    # Import uploads: removes old jobs with their files, and any file under MEDIA_ROOT/imports/
    # that no job owns (a process killed between storing an upload and saving its job).
    "clean-import-files": _scanner("contacts.tasks.clean_import_files", IMPORT_CLEANUP_SECONDS),
    # Restore uploads: the same sweep for MEDIA_ROOT/restores/ (interactions/backup/jobs.py).
    "clean-restore-files": _scanner(
        "interactions.tasks.clean_restore_files", IMPORT_CLEANUP_SECONDS
    ),
    # Deleted contacts: removes the copies kept for an Undo that can no longer be spent.
    "forget-deleted-contacts": _scanner(
        "contacts.tasks.forget_deleted_contacts", DELETED_CONTACT_CLEANUP_SECONDS
    ),
}
# A reminder that could not be delivered (a 5xx, a timeout) is tried again after this many
# seconds, doubling each time (capped at 10 minutes), REMINDER_MAX_ATTEMPTS tries in all.
REMINDER_RETRY_SECONDS = env_int("NETWORK_CRM_REMINDER_RETRY_SECONDS", 30, minimum=1)
REMINDER_MAX_ATTEMPTS = env_int("NETWORK_CRM_REMINDER_MAX_ATTEMPTS", 6, minimum=1)
# Web push to the installed app: the VAPID private key (`manage.py vapid_keys` makes a pair;
# the public half is derived from it). Unset: web push is not offered.
VAPID_PRIVATE_KEY = env_vapid_private_key(
    "VAPID_PRIVATE_KEY", default=lambda: _local_key("vapid_private_key")
)
# Who push services may contact about this server: mailto: or https:.
VAPID_SUBJECT = env_str("VAPID_SUBJECT") or "mailto:" + (
    parseaddr(DEFAULT_FROM_EMAIL)[1] or "crm@localhost"
)

# REST API (/api/v1/, api/): personal access tokens (Bearer) or the session with CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.rest.authentication.AccessTokenAuthentication",
        # The app's own pages (and the docs page's "Try it out"): CSRF is enforced.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.rest.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.rest.throttles.PerTokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.rest.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "api.rest.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.rest.errors.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "network_crm API",
    "DESCRIPTION": "Contacts, interactions, gives, events, mentorships and follow-ups of the "
    "signed-in user. Authenticate with `Authorization: Bearer <personal access token>` "
    "(Settings → API and webhooks). See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# Requests per minute for one access token (or one signed-in user), counted in the cache
# (Redis in production), so every gunicorn worker shares the count.
API_RATE_PER_MINUTE = env_int("NETWORK_CRM_API_RATE_PER_MINUTE", 120, minimum=1)
# Failed access-token or app-password attempts from one client address before it must wait
# out the window (HTTP 429 with Retry-After).
CREDENTIAL_FAILURE_LIMIT = env_int("NETWORK_CRM_CREDENTIAL_FAILURE_LIMIT", 10, minimum=1)
CREDENTIAL_FAILURE_WINDOW_SECONDS = env_int(
    "NETWORK_CRM_CREDENTIAL_FAILURE_WINDOW_SECONDS", 900, minimum=1
)
# Outgoing webhooks: how long to wait for the receiver, and how many tries before giving up.
WEBHOOK_TIMEOUT_SECONDS = env_int("NETWORK_CRM_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("NETWORK_CRM_WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
# The first retry waits this long; each next one twice as long, up to an hour.
WEBHOOK_RETRY_SECONDS = env_int("NETWORK_CRM_WEBHOOK_RETRY_SECONDS", 30, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The HTTP clients under the calendar readers log each request's path at DEBUG, and a
        # secret iCal address is its path: they never log below WARNING, whatever LOG_LEVEL.
        **{name: {"level": "WARNING"} for name in ("urllib3", "urllib3_future", "niquests", "caldav")},
    },
}
