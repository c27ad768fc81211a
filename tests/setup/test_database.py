"""`make run` against a DATABASE_URL whose database is missing: created when the server allows,
else one clear line (never a traceback)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def ensure_database(url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="network_crm.settings", NETWORK_CRM_DATA_DIR=str(tmp_path))
    if url:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "manage.py", "ensure_database"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL server of DATABASE_URL")
    s = connection.settings_dict
    return f"postgres://{{user}}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{{name}}"


def drop(name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_missing_database_is_created_when_the_server_allows(postgres, tmp_path):
    name = f"ncrm_missing_{uuid.uuid4().hex[:8]}"
    url = postgres.format(user=connection.settings_dict["USER"], name=name)
    try:
        result = ensure_database(url, tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"Created the database {name!r} on " + url.split("@")[1].rsplit("/", 1)[0] + "."
        again = ensure_database(url, tmp_path)
        assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    finally:
        drop(name)


def test_a_role_that_may_not_create_it_gets_one_clear_line(postgres, tmp_path):
    role = f"ncrm_nocreate_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:  # outside the test's transaction
        cursor.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        result = ensure_database(postgres.format(user=role, name="ncrm_never_made"), tmp_path)
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP ROLE "{role}"')
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "could not be created" in result.stderr and "createdb ncrm_never_made" in result.stderr


def test_no_server_at_all_is_one_clear_line(tmp_path):
    from tests.hardening.faults import free_port

    result = ensure_database(f"postgres://nobody@127.0.0.1:{free_port()}/crm", tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Cannot open the database 'crm'" in result.stderr


def test_sqlite_gets_its_folder(tmp_path):
    result = ensure_database("", tmp_path / "fresh")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh" / "db.sqlite3").exists()
