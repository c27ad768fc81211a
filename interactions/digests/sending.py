"""How the weekly digest is sent: exactly once per user and week.

Sending protocol (a row per user and week, `Digest`, unique on (owner, period)):
1. The scanner creates the week's row once the user's local weekday and hour have come
   (bulk_create with ignore_conflicts: a second beat or a rerun creates nothing), and queues
   the ready rows in batches (BATCH_SIZE). A worker builds a batch's messages together, in a
   fixed number of queries (build_digest_messages), before it claims any of them; then, one
   digest at a time:
2. It claims the row with a conditional UPDATE: a pending row, or a claimed or sending row
   whose lease (CLAIM_LEASE) ran out because its worker died. Only the worker whose UPDATE
   changed one row goes on; `claimed_at` is its fencing token for every later write.
3. It opens the mail connection and talks to the server (smtp.py); the row moves
   claimed -> sending only right before DATA's final "." (the server cannot have the message
   before it), and to sent as soon as the server's reply to that "." is read, before QUIT.
   A worker killed mid-batch leaves the digests it had not reached pending, unclaimed.
4. A worker that died is replaced after the lease: the scanner queues the row again and the
   next worker re-claims and sends it. A row still `claimed` was never delivered (the kill
   came before the final "."), so this is the user's only copy. A row left `sending` was
   killed in the one round-trip between the final "." and its reply (or the UPDATE after
   it): the server may have it. It is sent again, with the same Message-ID (fixed per user
   and week), by which the receiving side can tell it is the same message (Gmail, for one,
   shows it once); the same holds when the connection drops in that round-trip (5.).
   That rare, folded duplicate is the price of never silently losing a digest (the earlier
   rule, "mark it failed, never resend", lost every digest whose worker died mid-send).
5. A transient SMTP/network error moves it back to pending and stops the batch; the task
   retries the batch with backoff (what was sent is not sent again). Temporary refusals
   (4xx, e.g. a greylisting server's 451 at RCPT) are transient too; a recipient refused
   with a 5xx code fails at once. MAX_ATTEMPTS claims in all, then it is marked failed.
6. A row not sent by the end of the user's local week is skipped: never a stale digest.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from contacts.models import Profile

from ..models import Digest, DigestStatus
from .message import build_digest_messages
from .schedule import UNFINISHED, digest_window, profile_of
from .smtp import is_permanent, send_with_commit_point

logger = logging.getLogger(__name__)

# A worker that claimed a digest and went silent this long is presumed dead (before sending).
CLAIM_LEASE = timedelta(minutes=15)
# Claims per digest before giving up on a digest that cannot even be built.
MAX_ATTEMPTS = 8
# Errors worth retrying: the mail server or the network was unavailable for a moment.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# Recipients refused for good (5xx) will be refused again: retrying would only delay the
# failure. Among TRANSIENT_ERRORS; told apart by smtp.is_permanent (4xx refusals are retried).
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)
# Digests built together (their reads are set-based); each is still claimed and sent alone.
BATCH_SIZE = 100
TURNED_OFF = "digest turned off before it was sent"
WEEK_ENDED = "the week ended before it could be sent"


def _ensure_profiles() -> None:
    # A user who never opened the settings page still gets the digest with the defaults.
    User = get_user_model()
    missing = User.objects.filter(is_active=True, profile__isnull=True).exclude(email="")
    Profile.objects.bulk_create([Profile(owner=user) for user in missing], ignore_conflicts=True)


def _unclaimed(now: datetime) -> Q:
    """Rows no live worker holds: pending, or claimed/sending by a worker whose lease ran out."""
    return Q(status=DigestStatus.PENDING) | Q(
        status__in=[DigestStatus.CLAIMED, DigestStatus.SENDING],
        claimed_at__lt=now - CLAIM_LEASE,
    )


def _finish(digest_id: int, status: str, error: str, *, where: Q) -> bool:
    changed = Digest.objects.filter(where, pk=digest_id).update(status=status, error=error[:300])
    if changed and status == DigestStatus.FAILED:
        logger.error("digest %s failed: %s", digest_id, error)
    return bool(changed)


def scan_due_digests(now: datetime | None = None, *, user_ids=None) -> list[int]:
    """The digest scanner: create this week's row for every user whose digest moment has come,
    close rows that can no longer be sent, and return the ids ready for a worker to claim
    (including rows whose worker died, claimed or mid-send, once their lease ran out)."""
    now = now or timezone.now()
    _ensure_profiles()
    profiles = (
        Profile.objects.filter(digest_enabled=True, owner__is_active=True)
        .exclude(owner__email="")
        .select_related("owner")
    )
    if user_ids is not None:
        profiles = profiles.filter(owner_id__in=user_ids)
    windows = {}
    new_rows = []
    for profile in profiles:
        window = digest_window(profile, now)
        windows[profile.owner_id] = window
        if window.due_at <= now < window.ends_at:
            new_rows.append(Digest(owner_id=profile.owner_id, period=window.period))
    Digest.objects.bulk_create(new_rows, ignore_conflicts=True)

    # Rows a live worker holds are its business: it sends them or releases them.
    unclaimed = _unclaimed(now)
    rows = Digest.objects.filter(unclaimed)
    if user_ids is not None:
        rows = rows.filter(owner_id__in=user_ids)
    ready = []
    for digest in rows.only("id", "owner_id", "period", "attempts"):
        window = windows.get(digest.owner_id)
        if window is None:  # turned off (or the account closed) since the row was made
            closed = (DigestStatus.SKIPPED, TURNED_OFF)
        elif digest.period != window.period:
            closed = (DigestStatus.SKIPPED, WEEK_ENDED)
        elif digest.attempts >= MAX_ATTEMPTS:
            closed = (DigestStatus.FAILED, f"gave up after {digest.attempts} attempts")
        else:
            ready.append(digest.pk)
            continue
        _finish(digest.pk, *closed, where=unclaimed)
    return ready


def _close_quietly(mailer) -> None:
    # Once the server has answered the message, a failed QUIT changes nothing about it.
    try:
        mailer.close()
    except Exception:
        logger.warning("closing the mail connection failed", exc_info=True)


def _not_to_send(digest: Digest | None, now: datetime) -> str | None:
    """Why this digest row is not for this worker to send now (closing it when it can no longer
    be sent), or None when it may be claimed."""
    if digest is None:
        return "gone"
    if digest.status not in UNFINISHED:
        return f"already {digest.status}"  # never "sent": that word means this call sent it
    unclaimed = _unclaimed(now)
    owner = digest.owner
    profile = profile_of(owner)
    window = digest_window(profile, now)
    if digest.period != window.period or now >= window.ends_at:
        skipped = _finish(digest.pk, DigestStatus.SKIPPED, WEEK_ENDED, where=unclaimed)
        return "stale" if skipped else "claimed elsewhere"
    if not profile.digest_enabled or not owner.email or not owner.is_active:
        skipped = _finish(digest.pk, DigestStatus.SKIPPED, TURNED_OFF, where=unclaimed)
        return "turned off" if skipped else "claimed elsewhere"
    live_claim = digest.status != DigestStatus.PENDING and digest.claimed_at >= now - CLAIM_LEASE
    if live_claim or digest.attempts >= MAX_ATTEMPTS:
        return "claimed elsewhere"  # the claim below would not change the row either
    return None


def _claim_and_send(digest: Digest, message: EmailMultiAlternatives | None, now: datetime) -> str:
    """Steps 2-5 of the protocol for one digest whose message was built beforehand (None: the
    batch could not be built, so this one is built alone once claimed)."""
    claimed = Digest.objects.filter(
        _unclaimed(now), pk=digest.pk, attempts__lt=MAX_ATTEMPTS
    ).update(status=DigestStatus.CLAIMED, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "claimed elsewhere"
    if digest.status == DigestStatus.SENDING:
        logger.warning(
            "digest %s: its worker died while sending; sending again with the same Message-ID",
            digest.pk,
        )
    if message is None:
        try:
            (message,) = build_digest_messages([digest.owner], now)
        except Exception:
            # Left claimed: after the lease the scanner queues it again, MAX_ATTEMPTS in all.
            logger.exception("digest %s could not be built", digest.pk)
            return "error"
    mine = Digest.objects.filter(pk=digest.pk, claimed_at=now)
    held = Q(status__in=[DigestStatus.CLAIMED, DigestStatus.SENDING], claimed_at=now)

    def commit_point() -> bool:
        # From here on the server may have the message (smtp.py).
        return mine.filter(status=DigestStatus.CLAIMED).update(status=DigestStatus.SENDING) == 1

    mailer = mail.mailers.default
    try:
        # Opened here so that the send leaves it open: the row is marked sent as soon as the
        # server has accepted the message, before the QUIT round-trip.
        mailer.open()
        if not send_with_commit_point(mailer, message, commit_point):
            return "claimed elsewhere"
    except TRANSIENT_ERRORS as exc:
        if is_permanent(exc):
            _finish(digest.pk, DigestStatus.FAILED, f"refused: {exc}", where=held)
            return "failed"
        Digest.objects.filter(held).filter(pk=digest.pk).update(
            status=DigestStatus.PENDING, error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    else:
        if not mine.update(status=DigestStatus.SENT, sent_at=timezone.now(), error=""):
            # Only when the send outlasted the lease and another worker took the row over.
            logger.warning("digest %s was sent after its claim had been taken over", digest.pk)
        return "sent"
    finally:
        _close_quietly(mailer)


def deliver_digests(digest_ids, now: datetime | None = None) -> dict[int, str]:
    """Send a batch of digests: {digest id: what happened ("sent", "claimed elsewhere", …)}.

    The batch's messages are built together (a fixed number of queries for the batch); then
    each digest is claimed, moved to sending, sent and marked sent on its own, as the module
    docstring describes, just before its own send. A transient SMTP/network error releases the
    digest it hit and is raised at once: the digests not reached yet are still pending, unclaimed,
    for the retry."""
    clock = (lambda: now) if now is not None else timezone.now
    started = clock()
    rows = Digest.objects.select_related("owner__profile").in_bulk(digest_ids)
    outcomes, ready = {}, []
    for digest_id in digest_ids:
        digest = rows.get(digest_id)
        outcome = _not_to_send(digest, started)
        if outcome is None and digest not in ready:
            ready.append(digest)
        else:
            outcomes[digest_id] = outcome or "claimed elsewhere"
    try:
        messages = build_digest_messages([digest.owner for digest in ready], started)
    except Exception:
        logger.exception("a batch of %s digests failed to build; building each alone", len(ready))
        messages = [None] * len(ready)
    for digest, message in zip(ready, messages, strict=True):
        outcomes[digest.pk] = _claim_and_send(digest, message, clock())
    return outcomes


def deliver_digest(digest_id: int, now: datetime | None = None) -> str:
    """Claim one digest row and send it; returns what happened ("sent", "claimed elsewhere", …).
    Raises a TRANSIENT_ERRORS exception (after releasing the claim) when the send should be
    retried."""
    return deliver_digests([digest_id], now)[digest_id]


def give_up_digest(digest_id: int, exc: BaseException) -> None:
    """After the last retry: the digest is marked failed (logged, shown in settings)."""
    _finish(
        digest_id,
        DigestStatus.FAILED,
        f"{type(exc).__name__}: {exc}",
        where=Q(status=DigestStatus.PENDING),
    )


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 30 s, 1 min, 2 min … capped at 10 min."""
    return min(600, 30 * 2**retries)
