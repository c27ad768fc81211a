"""The REST API (/api/v1/, api/): authentication, rate limits, the OpenAPI schema, and the
outgoing webhooks."""

from ..env import env_int

# Personal access tokens (Bearer) or the session with CSRF.
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
