"""`manage.py create_app_password --user NAME [--name DEVICE]`: prints a new CardDAV app
password once (only its hash is kept)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from carddav.auth import create_app_password


class Command(BaseCommand):
    help = "Create an app password for CardDAV (phones, Thunderbird) and print it (once)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username that owns the password.")
        parser.add_argument("--name", default="Phone", help="The device that will use it.")

    def handle(self, *args, user, name, **options):
        User = get_user_model()
        owner = User.objects.filter(**{User.USERNAME_FIELD: user}).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}.")
        row, password = create_app_password(owner, name)
        self.stderr.write(
            f"App password for “{row.name}”. Sign in as {owner.get_username()!r} with it; "
            "it is shown only now:"
        )
        self.stdout.write(password)
