"""Settings are read in a fresh interpreter so each case sees only its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'], "
    "'broker': settings.CELERY_BROKER_URL, 'ssl': settings.SECURE_SSL_REDIRECT, "
    "'hsts': settings.SECURE_HSTS_SECONDS, 'secure_cookie': settings.SESSION_COOKIE_SECURE, "
    "'email': settings.MAILERS['default']['BACKEND']}))"
)


def _settings(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))}
    base.update({"DJANGO_SETTINGS_MODULE": "network_crm.settings", "NETWORK_CRM_DATA_DIR": str(tmp_path)})
    base.update(env)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True)
    return result


def test_production_defaults_are_safe(tmp_path):
    result = _settings(tmp_path, DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["ssl"] is True and values["secure_cookie"] is True
    assert values["hsts"] >= 31_536_000


def test_missing_secret_key_outside_debug_stops_start_up(tmp_path):
    result = _settings(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_generates_a_secret_key_once_in_the_data_folder(tmp_path):
    assert _settings(tmp_path, DJANGO_DEBUG="1").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    _settings(tmp_path, DJANGO_DEBUG="1")
    assert (tmp_path / "secret_key").read_text() == key


def test_embedded_default_is_sqlite_and_filesystem_broker(tmp_path):
    values = json.loads(_settings(tmp_path, DJANGO_SECRET_KEY="k").stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["broker"].startswith("filesystem://")
    assert values["email"].endswith("filebased.EmailBackend")
    assert (tmp_path / "broker" / "queue").is_dir()


def test_database_and_redis_urls_switch_to_postgres_and_redis(tmp_path):
    values = json.loads(
        _settings(
            tmp_path,
            DJANGO_SECRET_KEY="k",
            DATABASE_URL="postgres://u:p@db.example:5432/crm",
            REDIS_URL="redis://cache.example:6379/1",
        ).stdout
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["broker"] == "redis://cache.example:6379/1"


def test_bad_boolean_setting_fails_loudly(tmp_path):
    result = _settings(tmp_path, DJANGO_SECRET_KEY="k", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_postgresql_connections_price_index_lookups_for_ssds(db):
    """The planner must not read a whole account to avoid 70 index lookups (network_crm/settings/servers.py)."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_postgresql_connections_start_no_parallel_workers(db):
    # A page's few rows cost less than starting two workers (network_crm/settings/servers.py).
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_postgresql_connections_do_not_compile_queries(db):
    # JIT compiled every query over a large account before running it (docs/performance.md).
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _probe(tmp_path, expression, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "NETWORK_CRM_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "network_crm.settings", "NETWORK_CRM_DATA_DIR": str(tmp_path)})
    base.update({"DJANGO_SECRET_KEY": "s" * 50, **env})
    code = f"import json, django; from django.conf import settings; django.setup(); print(json.dumps({expression}))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True)


def test_single_sign_on_is_configured_from_the_environment(tmp_path):
    result = _probe(
        tmp_path,
        "[settings.SOCIALACCOUNT_PROVIDERS, settings.SECURE_CSP['form-action'], settings.SSO_ONLY]",
        NETWORK_CRM_OIDC_SERVER_URL="https://auth.example.com/application/o/crm/",
        NETWORK_CRM_OIDC_CLIENT_ID="crm",
        NETWORK_CRM_OIDC_CLIENT_SECRET="shh",
        NETWORK_CRM_OIDC_NAME="Authentik",
        NETWORK_CRM_SSO_ONLY="1",
    )
    assert result.returncode == 0, result.stderr
    providers, form_action, sso_only = json.loads(result.stdout)
    [app] = providers["openid_connect"]["APPS"]
    assert app["client_id"] == "crm" and app["secret"] == "shh" and app["name"] == "Authentik"
    assert app["settings"]["server_url"] == "https://auth.example.com/application/o/crm/"
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert "https://auth.example.com" in form_action and sso_only is True


def test_single_sign_on_settings_that_cannot_work_stop_start_up(tmp_path):
    result = _probe(tmp_path, "1", NETWORK_CRM_SSO_ONLY="1")
    assert result.returncode != 0 and "NETWORK_CRM_SSO_ONLY needs NETWORK_CRM_OIDC_SERVER_URL" in result.stderr
    result = _probe(tmp_path, "1", NETWORK_CRM_OIDC_SERVER_URL="https://auth.example.com")
    assert result.returncode != 0 and "NETWORK_CRM_OIDC_CLIENT_ID must be set" in result.stderr


def test_behind_a_proxy_private_networks_are_trusted_unless_listed(tmp_path):
    assert json.loads(_probe(tmp_path, "settings.TRUSTED_PROXIES").stdout) == []
    behind = json.loads(_probe(tmp_path, "settings.TRUSTED_PROXIES", DJANGO_BEHIND_PROXY="1").stdout)
    assert "172.16.0.0/12" in behind and "127.0.0.0/8" in behind
    listed = _probe(tmp_path, "settings.TRUSTED_PROXIES", DJANGO_BEHIND_PROXY="1", DJANGO_TRUSTED_PROXIES="10.0.0.7")
    assert json.loads(listed.stdout) == ["10.0.0.7"]
    assert _probe(tmp_path, "1", DJANGO_TRUSTED_PROXIES="10.0.0.300").returncode != 0


def test_every_area_of_the_settings_reaches_django():
    """network_crm/settings/ is one settings module written by area: an area its __init__ does
    not import would drop its settings without a word."""
    import importlib
    import pkgutil

    from django.conf import settings

    import network_crm.settings as package

    missing = []
    for area in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{area.name}")
        missing += [
            f"{area.name}.{name}"
            for name in vars(module)
            if name.isupper() and not name.startswith("_") and not hasattr(settings, name)
        ]
    assert missing == []
