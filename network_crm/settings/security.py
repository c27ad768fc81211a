"""HTTPS, cookies and sessions, the client's address behind a reverse proxy, and the Content
Security Policy. Every default is the production one; `make run` relaxes the HTTPS-only parts
for http://127.0.0.1 through the variables below."""

from django.utils.csp import CSP

from ..env import env_bool, env_int, env_networks
from ..oidc import provider_origin
from .accounts import OIDC_SERVER_URL
from .base import DEBUG

_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)

# The client's address behind a reverse proxy (network_crm/client_ip.py): X-Forwarded-For is
# believed only from these addresses. Behind a proxy the default is loopback and the private
# networks, where a proxy in front of a container sits; list the proxy's own address to be
# strict. Not behind a proxy, nobody's header is believed.
TRUSTED_PROXIES = env_networks(
    "DJANGO_TRUSTED_PROXIES",
    ["127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
    if _BEHIND_PROXY
    else [],
)

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if _BEHIND_PROXY:
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
