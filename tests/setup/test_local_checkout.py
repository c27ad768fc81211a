"""A checkout set up by `make run`: `manage.py` commands find the keys `make run` keeps in the
data folder when their variables are unset, and links follow the port the app runs on."""

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'secret': settings.SECRET_KEY, 'fernet': settings.CAPTURE_ENCRYPTION_KEYS, "
    "'vapid': settings.VAPID_PRIVATE_KEY, 'site': settings.SITE_URL}))"
)
KEYS = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "NETWORK_CRM_ENCRYPTION_KEY",
        "VAPID_PRIVATE_KEY", "SITE_URL", "PORT")


def run(data, *args, code=PROBE, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(KEYS)}
    base.update(DJANGO_SETTINGS_MODULE="network_crm.settings", NETWORK_CRM_DATA_DIR=str(data), **env)
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(command, cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def keep(folder, name, value, mode=0o600):
    path = folder / name
    path.write_text(value + "\n")
    path.chmod(mode)


def make_run_data(folder):
    from notifications.vapid import generate_keys

    keep(folder, "secret_key", "s" * 50)
    fernet = Fernet.generate_key().decode()
    keep(folder, "encryption_key", fernet)
    vapid = generate_keys()[0]
    keep(folder, "vapid_private_key", vapid)
    return fernet, vapid


def test_settings_read_the_keys_make_run_keeps_when_the_variables_are_unset(tmp_path):
    fernet, vapid = make_run_data(tmp_path)
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {"secret": "s" * 50, "fernet": [fernet], "vapid": vapid,
                      "site": "http://127.0.0.1:8000"}


def test_the_variables_win_over_the_files(tmp_path):
    make_run_data(tmp_path)
    other = Fernet.generate_key().decode()
    values = json.loads(
        run(tmp_path, DJANGO_SECRET_KEY="e" * 50, NETWORK_CRM_ENCRYPTION_KEY=other,
            VAPID_PRIVATE_KEY="").stdout
    )
    assert (values["secret"], values["fernet"], values["vapid"]) == ("e" * 50, [other], None)


def test_a_key_file_other_users_may_read_is_refused_with_one_clear_line(tmp_path):
    keep(tmp_path, "secret_key", "s" * 50, mode=0o644)
    result = run(tmp_path)
    assert result.returncode != 0
    assert "chmod 600" in result.stderr and "secret_key" in result.stderr


def test_without_a_file_or_variable_start_up_still_stops(tmp_path):
    result = run(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_links_follow_the_port_the_app_runs_on_unless_a_site_url_is_set(tmp_path):
    make_run_data(tmp_path)
    assert json.loads(run(tmp_path, PORT="8200").stdout)["site"] == "http://127.0.0.1:8200"
    site = json.loads(run(tmp_path, PORT="8200", SITE_URL="https://crm.example.com/").stdout)
    assert site["site"] == "https://crm.example.com"


def test_a_readme_command_runs_as_written_in_a_make_run_checkout(tmp_path):
    """`$M send_digests --dry-run` from the README, with nothing but the data folder."""
    make_run_data(tmp_path)
    assert run(tmp_path, "manage.py", "migrate", "--noinput", "-v", "0").returncode == 0
    result = run(tmp_path, "manage.py", "send_digests", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
