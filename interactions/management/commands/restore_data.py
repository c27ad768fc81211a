"""Restore a JSON export (`export_data --format json`) into a user's empty account."""

import json

from django.core.management.base import BaseCommand, CommandError

from interactions.backup.commands import account_named
from interactions.backup.restore import RestoreError, import_document


class Command(BaseCommand):
    help = "Restore a JSON export into a user's empty account, every reference to the new rows."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Username whose account is restored.")

    def handle(self, *args, **options):
        owner = account_named(options["user"])
        try:
            with open(options["file"], encoding="utf-8-sig") as fh:
                document = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the JSON export: {exc}") from None
        try:
            counts = import_document(owner, document)
        except RestoreError as exc:
            raise CommandError(str(exc)) from None
        restored = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items() if n)
        self.stdout.write(f"Restored {restored or 'an empty export'} for {owner}.")
