"""Create the install's first login on a fresh database and print how to sign in.

Used by `make run`. The generated password is kept in the data folder (readable only by its
owner) and printed at every start until the user changes it.
"""

import os
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
        saved = Path(settings.DATA_DIR) / "first-login.txt"
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
        self.stdout.write("Sign in with your username and password.")
