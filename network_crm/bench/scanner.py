"""The follow-up scanner over many users' contacts: contacts per second, and a rerun that must
create nothing."""

import time

from django.utils import timezone

from .database import settle_database

# Target of issue 7, for the full run on PostgreSQL.
SCAN_PER_SECOND = 50_000


class ScannerPhase:
    """The `scanner` phase of Bench; it also writes the users the later phases measure."""

    def scanner(self) -> None:
        from contacts.models import Contact
        from interactions.followups import scan_follow_ups

        from .data import create_users, fill_contacts

        size = self.size
        started = time.monotonic()
        self.scan_users = create_users(size.scan_users, seed=self.seed)
        counts = fill_contacts(self.scan_users, size.scan_contacts, seed=self.seed)
        self.log(
            f"  {size.scan_users} users × {size.scan_contacts} contacts written in "
            f"{time.monotonic() - started:.1f}s"
        )
        settle_database()
        contacts = Contact.objects.count()
        now = timezone.now()
        started = time.perf_counter()
        created = scan_follow_ups(now)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = scan_follow_ups(now)
        rerun = time.perf_counter() - started
        settle_database()  # 180,000 new follow-ups at full size: autovacuum would see to them
        per_second = contacts / seconds
        self.add("follow-up scanner", {
            "kind": "scanner", "users": size.scan_users + 2, "contacts": contacts,
            "generated": counts,
            "seconds": round(seconds, 3), "contacts_per_second": round(per_second),
            "created": created, "rerun_seconds": round(rerun, 3), "rerun_created": again,
        }, [(
            f"≥ {SCAN_PER_SECOND:,} contacts/s", round(per_second), per_second >= SCAN_PER_SECOND
        )])
        self.log(
            f"  scanner: {contacts} contacts in {seconds:.2f}s ({per_second:,.0f}/s), "
            f"created {created}; rerun {rerun:.2f}s created {again}"
        )
