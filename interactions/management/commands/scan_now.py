"""Run the follow-up scanner once, now, in this process: `make run` / `make demo` call it at
start, so the dashboard's overdue counts are right at once instead of after beat's first scan
(up to NETWORK_CRM_FOLLOW_UP_SCAN_SECONDS later). Idempotent, like every scanner."""

from django.core.management.base import BaseCommand

from interactions import tasks


class Command(BaseCommand):
    help = "Run the follow-up scanner once, now (wakes snoozed and creates due reminders)."

    def handle(self, *args, **options):
        created = tasks.scan_follow_ups()
        total = sum(created.values()) if isinstance(created, dict) else created
        self.stdout.write(f"Follow-up scanner ran: {total} reminder(s) created or woken.")
