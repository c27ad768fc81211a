"""Write all of a user's data to a file: JSON (everything, for `restore_data`), CSV or vCard 4.0
(contacts)."""

from django.core.management.base import BaseCommand

from interactions.backup import contact_files, document
from interactions.backup.commands import account_named


class Command(BaseCommand):
    help = "Export a user's data as JSON (everything), CSV or vCard 4.0 (contacts)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--format", default="json", choices=["json", "csv", "vcard"])
        parser.add_argument(
            "--output", required=True, help="File to write; '-' for standard output."
        )

    def handle(self, *args, **options):
        owner = account_named(options["user"])
        chunks = {
            "json": lambda: [document.export_json(owner)],
            "csv": lambda: contact_files.export_csv(owner),
            "vcard": lambda: contact_files.export_vcard(owner),
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
