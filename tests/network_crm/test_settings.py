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
    assert values["broker"] == "filesystem://"
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
    """The planner must not read a whole account to avoid 70 index lookups (settings.py)."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
