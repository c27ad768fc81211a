"""Send the weekly digests that are due now (the same claim-then-send path the worker uses)."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contacts.services import get_profile
from interactions import digests


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now {value!r} is not an ISO time (e.g. 2026-11-30T07:05+01:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Send the weekly digests that are due (or print them with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this username.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send and record nothing.",
        )
        parser.add_argument(
            "--now", help="Pretend it is this ISO time (default: now). Naive times are UTC."
        )

    def handle(self, *args, user=None, dry_run=False, now=None, **options):
        now = _parse_now(now) if now else timezone.now()
        user_ids = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user named {user!r}")
            user_ids = [account.pk]
        if dry_run:
            self._dry_run(now, user_ids)
            return
        sent = 0
        for digest_id in digests.scan_due_digests(now, user_ids=user_ids):
            try:
                outcome = digests.deliver_digest(digest_id, now)
            except digests.TRANSIENT_ERRORS as exc:
                # Left pending: the worker's scanner retries it after the claim lease.
                self.stderr.write(f"digest {digest_id}: {exc} (will be retried)")
                continue
            self.stdout.write(f"digest {digest_id}: {outcome}")
            sent += outcome == "sent"
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent.")

    def _dry_run(self, now, user_ids):
        User = get_user_model()
        users = User.objects.filter(is_active=True).exclude(email="").order_by("username")
        if user_ids is not None:
            users = User.objects.filter(pk__in=user_ids)
        for account in users:
            profile = get_profile(account)
            window = digests.digest_window(profile, now)
            done = (
                account.digests.filter(period=window.period)
                .exclude(status__in=digests.UNFINISHED)
                .first()
            )
            if not profile.digest_enabled:
                state = "digest turned off"
            elif not account.email:
                state = "no email address"
            elif done:
                state = f"this week's digest is already {done.status}"
            elif now < window.due_at:
                state = f"not due until {window.due_at.isoformat()}"
            else:
                state = "DUE NOW: would send"
            self.stdout.write(f"== {account.get_username()} <{account.email}>: {state}")
            if state.startswith("DUE") or user_ids is not None:
                context = digests.build_digest(account, now, profile=profile, links=False)
                message = digests.render_digest_message(account, context, period=window.period)
                self.stdout.write(f"Subject: {message.subject}\n")
                self.stdout.write(message.body)
