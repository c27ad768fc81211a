"""Write all of a user's data to a file: JSON (everything), CSV or vCard 4.0 (contacts)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contacts import exporting


class Command(BaseCommand):
    help = "Export a user's data as JSON (everything), CSV or vCard 4.0 (contacts)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--format", default="json", choices=["json", "csv", "vcard"])
        parser.add_argument(
            "--output", required=True, help="File to write; '-' for standard output."
        )

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            owner = User.objects.get(**{User.USERNAME_FIELD: options["user"]})
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['user']!r}.") from None
        chunks = {
            "json": lambda: [exporting.export_json(owner)],
            "csv": lambda: exporting.export_csv(owner),
            "vcard": lambda: exporting.export_vcard(owner),
        }[options["format"]]()
        if options["output"] == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        # newline="" keeps the CRLF that CSV and vCard require.
        with open(options["output"], "w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
        self.stderr.write(f"Wrote {options['format']} export of {owner} to {options['output']}")
