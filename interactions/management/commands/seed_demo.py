"""Fill an account with a believable demo network (see interactions.demo).

    python manage.py seed_demo --user NAME [--contacts N] [--interactions N] [--seed S] [--if-empty]
"""

import secrets
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contacts.models import Contact
from interactions.demo import DEFAULT_CONTACTS, build_demo_network


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill an account with demo data: about 60 contacts across circles and disciplines, a year "
        "of interactions, gives both ways, events, mentorships. Creates the user if missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username; created (and its password printed) if missing.")
        parser.add_argument("--contacts", type=_non_negative, default=DEFAULT_CONTACTS)
        parser.add_argument(
            "--interactions", type=_non_negative, default=None,
            help="How many interactions (default: ten per contact).",
        )
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same network.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the user already has contacts."
        )

    def handle(self, *args, user, contacts, interactions, seed, if_empty, **options):
        User = get_user_model()
        account = User.objects.filter(username=user).first()
        if account is None:
            password = secrets.token_urlsafe(12)
            try:
                account = User.objects.create_user(username=user, password=password)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(f"Created user {user!r} with password {password!r}"))
        elif if_empty and Contact.objects.filter(owner=account).exists():
            self.stdout.write(f"{user!r} already has contacts; nothing to do (--if-empty).")
            return
        started = time.monotonic()
        counts = build_demo_network(account, contacts=contacts, interactions=interactions, seed=seed)
        summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {user!r} in {time.monotonic() - started:.1f}s: {summary}.")
        )
