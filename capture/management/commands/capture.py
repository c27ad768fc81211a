"""Read every calendar and mailbox of one user now: `manage.py capture --user NAME [--once]`.

With --once it reads each source once and exits (non-zero when one failed); without, it keeps
reading them every NETWORK_CRM_CAPTURE_READ_SECONDS, in the foreground, until stopped."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from capture import services


class Command(BaseCommand):
    help = "Read every calendar and mailbox of a user now and report what was suggested."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username whose sources to read")
        parser.add_argument("--once", action="store_true", help="read once and exit")

    def handle(self, *args, user, once, **options):
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {user!r}.") from None
        while True:
            failed = self._read(owner)
            if once:
                if failed:
                    raise CommandError(f"{failed} source(s) failed; see the messages above.")
                return
            time.sleep(settings.CAPTURE_READ_SECONDS)

    def _read(self, owner) -> int:
        results = services.read_owner_sources(owner)
        if not results:
            self.stdout.write("No calendar or mailbox yet: add one under Settings → Calendars and mail.")
        failed = 0
        for name, result in results.items():
            if result is None or "error" in result:
                failed += 1
                error = result["error"] if result else "not read"
                self.stderr.write(f"{name}: failed: {error}")
            else:
                self.stdout.write(
                    f"{name}: {result['found']} found, {result['created']} new suggestions, "
                    f"{result['logged']} logged by rules"
                    + (" (unchanged since the last read)" if result.get("not_modified") else "")
                )
        return failed
