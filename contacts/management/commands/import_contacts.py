"""Import a contact file for a user, with the admin's summary (a JSON backup is restored with
`restore_data`)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contacts.importing.results import Status
from contacts.importing.services import run_import
from contacts.importing.sniff import Format, ImportFileError


class Command(BaseCommand):
    help = "Import LinkedIn, Google, Outlook, vCard or CSV contacts for a user."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Username who will own the contacts.")
        parser.add_argument(
            "--format",
            default=Format.AUTO,
            choices=[
                Format.AUTO,
                Format.LINKEDIN,
                Format.GOOGLE,
                Format.OUTLOOK,
                Format.VCARD,
                Format.CSV,
                Format.JSON,
            ],
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen, write nothing."
        )

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            owner = User.objects.get(**{User.USERNAME_FIELD: options["user"]})
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['user']!r}.") from None
        if options["format"] == Format.JSON:
            # A backup holds interactions too: interactions' restore_data puts it back.
            raise CommandError(
                "A JSON export is restored with `manage.py restore_data FILE --user USER` "
                "into an empty account."
            )
        refused = []

        def sink(row):
            if row.status in Status.REFUSED or row.warnings or row.status == Status.POSSIBLE:
                refused.append(row)

        try:
            summary = run_import(
                options["file"],
                owner,
                format=options["format"],
                dry_run=options["dry_run"],
                sink=sink,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        for row in refused:
            if row.status in Status.REFUSED or row.status == Status.POSSIBLE:
                self.stdout.write(
                    f"line {row.line}: {row.status} — {row.reason}"
                    + (f" ({row.name})" if row.name else "")
                )
            for warning in row.warnings or ():
                self.stdout.write(f"line {row.line}: warning — {warning}")
        self.stdout.write(summary.text())
