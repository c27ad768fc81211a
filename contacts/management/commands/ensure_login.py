"""Create the install's first login on a fresh database and print how to sign in.

Used by `make run`. The generated password is kept in the data folder (readable only by its
owner), in a file of each database's own (an SQLite and a PostgreSQL run in one checkout each keep
theirs), and printed at every start until the user changes it. After that, it says how to set a
new one from the command line.
"""

import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first login (a superuser) if there is none, and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("NETWORK_CRM_USER", "me"))

    def handle(self, *args, username, **options):
        User = get_user_model()
        saved = first_login_file()
        if not User.objects.exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(f"{username}\n{password}\n")
            saved.chmod(0o600)
        if saved.exists():
            name, password = saved.read_text().split("\n")[:2]
            user = User.objects.filter(username=name).first()
            if user is not None and user.check_password(password):
                self.stdout.write(
                    self.style.SUCCESS(f"Sign in as {name!r} with password {password!r}")
                    + " (change it under your name → Change password)."
                )
                return
            saved.unlink()
        name = (
            User.objects.filter(is_superuser=True).order_by("pk").values_list("username", flat=True)
        ).first() or username
        where = "DATABASE_URL=… " if "DATABASE_URL" in os.environ else ""
        self.stdout.write(
            "Sign in with your username and password. Forgot it? "
            f"`{where}.venv/bin/python manage.py changepassword {name}` sets a new one."
        )


def first_login_file(database: dict | None = None) -> Path:
    """data/first-login.txt for the default SQLite database; first-login-<database>.txt for any
    other, so each database's printed password stays with it."""
    database = database or settings.DATABASES["default"]
    folder = Path(settings.DATA_DIR)
    if database["ENGINE"].endswith("sqlite3") and Path(database["NAME"]) == folder / "db.sqlite3":
        return folder / "first-login.txt"
    where = "-".join(
        str(database.get(key) or "")
        for key in ("ENGINE", "HOST", "PORT", "NAME")
    ).replace("django.db.backends.", "")
    return folder / f"first-login-{re.sub(r'[^A-Za-z0-9_.-]+', '_', where).strip('_')}.txt"
