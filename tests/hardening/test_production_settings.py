"""Production settings, end to end: one fresh interpreter with the production environment (no
DJANGO_DEBUG, a secret key, one allowed host) signs in through the login form over https and
reports the security headers and cookies it saw as JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "crm.example.com"

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

connection.creation.create_test_db(verbosity=0)
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
get_user_model().objects.create_user("prod", "prod@example.com", "correct horse battery")

host = {"HTTP_HOST": "__HOST__"}
client = Client(**host)
plain = client.get("/accounts/login/")
login_page = client.get("/accounts/login/", secure=True)
signed_in = client.post(
    "/accounts/login/", {"login": "prod", "password": "correct horse battery"}, secure=True
)
dashboard = client.get("/", secure=True)
session = signed_in.cookies.get(settings.SESSION_COOKIE_NAME)
print(json.dumps({
    "http_status": plain.status_code,
    "http_location": plain.headers.get("Location", ""),
    "login_status": login_page.status_code,
    "signed_in_status": signed_in.status_code,
    "dashboard_status": dashboard.status_code,
    "hsts": dashboard.headers.get("Strict-Transport-Security", ""),
    "csp": dashboard.headers.get("Content-Security-Policy", ""),
    "csp_login": login_page.headers.get("Content-Security-Policy", ""),
    "frame_options": dashboard.headers.get("X-Frame-Options", ""),
    "session_cookie": None if session is None else {
        "secure": bool(session["secure"]), "httponly": bool(session["httponly"]),
        "samesite": session["samesite"],
    },
    "csrf_cookie_secure": bool(login_page.cookies[settings.CSRF_COOKIE_NAME]["secure"]),
}))
""".replace("__HOST__", HOST)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What the production stack answered (one subprocess for every test in this module)."""
    data = tmp_path_factory.mktemp("prod-data")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="network_crm.settings",
        DJANGO_SECRET_KEY="p" * 50,
        DJANGO_ALLOWED_HOSTS=HOST,
        NETWORK_CRM_DATA_DIR=str(data),
        # Only so pages render without running `collectstatic` first; no security setting
        # depends on it.
        DJANGO_STATIC_MANIFEST="0",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _directive(csp: str, name: str) -> str:
    for part in csp.split(";"):
        words = part.split()
        if words and words[0] == name:
            return " ".join(words[1:])
    return ""


def test_the_production_stack_signs_in_over_https(production):
    assert production["login_status"] == 200
    assert production["signed_in_status"] == 302
    assert production["dashboard_status"] == 200


def test_plain_http_is_redirected_to_https(production):
    assert production["http_status"] == 301
    assert production["http_location"] == f"https://{HOST}/accounts/login/"


def test_hsts_is_set_for_a_year_with_subdomains(production):
    hsts = production["hsts"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 31_536_000
    assert "includeSubDomains" in hsts


@pytest.mark.parametrize("page", ["csp", "csp_login"])
@pytest.mark.parametrize("directive", ["script-src", "style-src"])
def test_csp_allows_no_inline_script_or_style(production, page, directive):
    sources = _directive(production[page], directive) or _directive(production[page], "default-src")
    assert sources, production[page]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "*" not in sources.split()


def test_csp_forbids_framing_and_plugins(production):
    assert _directive(production["csp"], "frame-ancestors") == "'none'"
    assert _directive(production["csp"], "object-src") == "'none'"


def test_x_frame_options_is_deny(production):
    assert production["frame_options"] == "DENY"


def test_session_cookie_after_sign_in_is_secure_and_httponly(production):
    cookie = production["session_cookie"]
    assert cookie is not None, "signing in set no session cookie"
    assert cookie["secure"] and cookie["httponly"]


def test_csrf_cookie_is_secure(production):
    assert production["csrf_cookie_secure"]
