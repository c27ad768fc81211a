"""`manage.py create_api_token --user NAME [--scope read|write] [--expires DAYS] [--name TEXT]`:
prints a new personal access token once (only its hash is kept)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import TokenScope
from api.tokens import create_access_token


class Command(BaseCommand):
    help = "Create a personal access token for the REST API and print it (once)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username that owns the token.")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--expires", type=int, metavar="DAYS", help="Days until it expires.")
        parser.add_argument("--name", default="Command line", help="What uses it.")

    def handle(self, *args, user, scope, expires, name, **options):
        if expires is not None and expires < 1:
            raise CommandError("--expires must be at least 1 day.")
        owner = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}.")
        row, token = create_access_token(owner, name, scope, expires)
        self.stderr.write(
            f"Token “{row.name}” ({row.get_scope_display().lower()}"
            + (f", expires {row.expires_at:%Y-%m-%d}" if row.expires_at else ", never expires")
            + "). It is shown only now:"
        )
        self.stdout.write(token)
