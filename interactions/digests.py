"""The weekly digest (services): when it is due, what it says, how it is sent exactly once.

Sending protocol (a row per user and week, `Digest`, unique on (owner, period)):
1. The scanner creates the week's row once the user's local weekday and hour have come
   (bulk_create with ignore_conflicts: a second beat or a rerun creates nothing).
2. A worker claims it with a conditional UPDATE (pending → claimed, or a claim whose lease ran
   out because its worker died before sending); only the worker whose UPDATE changed one row
   goes on. `claimed_at` doubles as a fencing token.
3. Just before talking to the mail server the row moves claimed → sending. A worker killed
   after this point may or may not have sent: the row is then marked failed, never resent
   (a missing digest is visible on the settings page; a doubled one cannot be taken back).
4. A transient SMTP/network error moves it back to pending and the task retries with backoff.
5. A row not sent by the end of the user's local week is skipped: never a stale digest.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from contacts.models import Contact, Profile
from contacts.services import get_profile

from .followups import OPEN_STATUSES, local_today
from .models import Digest, DigestStatus, Direction, FollowUp, Interaction, Support, SupportStatus
from .selectors_followups import (
    follow_up_reason_text,
    one_person_this_week,
    open_follow_ups,
    open_promises,
    upcoming_events,
)

logger = logging.getLogger(__name__)

# A worker that claimed a digest and went silent this long is presumed dead (before sending).
CLAIM_LEASE = timedelta(minutes=15)
# Claims per digest before giving up on a digest that cannot even be built.
MAX_ATTEMPTS = 8
# Errors worth retrying: the mail server or the network was unavailable for a moment.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# Refused recipients will be refused again: retrying would only delay the failure.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)
MAX_ITEMS = 20

ACTION_SALT = "interactions.digest.action"
ACTION_MAX_AGE = timedelta(days=14)
UNSUBSCRIBE_SALT = "interactions.digest.unsubscribe"
ACTIONS = {"done": "Mark done", "snooze": "Snooze a week"}
UNFINISHED = (DigestStatus.PENDING, DigestStatus.CLAIMED, DigestStatus.SENDING)


# When ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestWindow:
    period: date  # Monday of the user's local week
    due_at: datetime  # the chosen weekday and hour, local time, as UTC
    ends_at: datetime  # next local Monday 00:00, as UTC: after this the digest is stale


def digest_window(profile: Profile, now: datetime) -> DigestWindow:
    """This local week's digest moment for the user. A local hour that does not exist (spring
    forward) resolves to the hour after the gap."""
    zone = profile.zone
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=profile.digest_weekday)
    due_local = datetime.combine(day, time(profile.digest_hour), tzinfo=zone)
    end_local = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    return DigestWindow(monday, due_local.astimezone(UTC), end_local.astimezone(UTC))


def next_digest_at(profile: Profile, now: datetime) -> datetime | None:
    """When the next digest goes out (UTC), or None if it is turned off."""
    if not profile.digest_enabled:
        return None
    window = digest_window(profile, now)
    sent = (
        Digest.objects.filter(owner_id=profile.owner_id, period=window.period)
        .exclude(status__in=UNFINISHED)
        .exists()
    )
    if not sent and now < window.ends_at:
        return max(window.due_at, now)
    return digest_window(profile, window.ends_at + timedelta(hours=1)).due_at


# What ----------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def contact_url(contact_id: int) -> str:
    try:
        return _absolute(reverse("contacts:detail", args=[contact_id]))
    except NoReverseMatch:  # the contacts pages are optional for the digest
        return _absolute(f"/contacts/{contact_id}/")


def make_action_token(follow_up: FollowUp, action: str) -> str:
    """A signed token for one action on one follow-up of one user; it expires (ACTION_MAX_AGE)."""
    return signing.dumps(
        {"u": follow_up.owner_id, "f": follow_up.pk, "a": action}, salt=ACTION_SALT
    )


def read_action_token(token: str) -> tuple[int, int, str]:
    """(user id, follow-up id, action); raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise signing.BadSignature("unknown action")
    return int(data["u"]), int(data["f"]), data["a"]


def make_unsubscribe_token(user_id: int) -> str:
    """A signed, non-expiring token that only turns the digest off for this user."""
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int:
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "u" not in data:
        raise signing.BadSignature("malformed")
    return int(data["u"])


def action_url(follow_up: FollowUp, action: str) -> str:
    return _absolute(reverse("digest:action", args=[make_action_token(follow_up, action)]))


def unsubscribe_url(user_id: int) -> str:
    return _absolute(reverse("digest:unsubscribe", args=[make_unsubscribe_token(user_id)]))


def build_digest(
    owner, now: datetime, *, profile: Profile | None = None, links: bool = True
) -> dict:
    """Everything the digest says for the week starting today (user's zone): who to reach out
    to and why, open promises both ways, one person to connect with, events, stats."""
    profile = profile or get_profile(owner)
    today = local_today(profile, now)
    week_end = today + timedelta(days=6)
    due = open_follow_ups(owner, week_end)
    reach_out = []
    for follow_up in due[:MAX_ITEMS]:
        item = {
            "follow_up": follow_up,
            "contact": follow_up.contact,
            "reason": follow_up_reason_text(follow_up, today, profile=profile),
            "overdue_days": (today - follow_up.due_on).days,
            "contact_url": contact_url(follow_up.contact_id),
        }
        if links:
            item["done_url"] = action_url(follow_up, "done")
            item["snooze_url"] = action_url(follow_up, "snooze")
        reach_out.append(item)
    mine, theirs = open_promises(owner)
    person = one_person_this_week(owner, today, profile=profile)
    stats = {
        "touches_7d": Interaction.objects.filter(
            owner=owner, occurred_at__gte=now - timedelta(days=7)
        ).count(),
        "gives_done_30d": Support.objects.filter(
            owner=owner,
            direction=Direction.GIVE,
            status=SupportStatus.DONE,
            done_on__gte=today - timedelta(days=30),
        ).count(),
        "open_follow_ups": FollowUp.objects.filter(owner=owner, status__in=OPEN_STATUSES).count(),
        "contacts": Contact.objects.filter(owner=owner, archived=False).count(),
    }
    return {
        "owner": owner,
        "profile": profile,
        "today": today,
        "week_end": week_end,
        "reach_out": reach_out,
        "reach_out_total": due.count() if len(reach_out) == MAX_ITEMS else len(reach_out),
        "promises_mine": list(mine[:10]),
        "promises_theirs": list(theirs[:10]),
        "person": person,
        "person_url": contact_url(person.contact.pk) if person else "",
        "events": list(upcoming_events(owner, today)[:5]),
        "stats": stats,
        "site_url": settings.SITE_URL,
        "settings_url": _absolute(reverse("settings")),
        "unsubscribe_url": unsubscribe_url(owner.pk) if links else "",
    }


def render_digest_message(
    owner, context: dict, *, period: date | None = None
) -> EmailMultiAlternatives:
    """The digest as an email: subject / text / html templates, one-click unsubscribe headers
    (RFC 8058) and a Message-ID fixed per user and week so mail clients fold any duplicate."""
    subject = " ".join(render_to_string("emails/digest-subject.txt", context).split())
    text = render_to_string("emails/digest-body.txt", context)
    html = render_to_string("emails/digest-body.html", context)
    period = period or context["today"]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Message-ID": f"<digest.{owner.pk}.{period.isoformat()}@{domain}>",
    }
    message = EmailMultiAlternatives(subject, text, to=[owner.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


# Sending -------------------------------------------------------------------------------------


def _ensure_profiles() -> None:
    # A user who never opened the settings page still gets the digest with the defaults.
    User = get_user_model()
    missing = User.objects.filter(is_active=True, profile__isnull=True).exclude(email="")
    Profile.objects.bulk_create([Profile(owner=user) for user in missing], ignore_conflicts=True)


def _finish(digest_id: int, status: str, error: str, *, only=UNFINISHED) -> bool:
    changed = Digest.objects.filter(pk=digest_id, status__in=only).update(
        status=status, error=error[:300]
    )
    if changed and status == DigestStatus.FAILED:
        logger.error("digest %s failed: %s", digest_id, error)
    return bool(changed)


def scan_due_digests(now: datetime | None = None, *, user_ids=None) -> list[int]:
    """The digest scanner: create this week's row for every user whose digest moment has come,
    close rows that can no longer be sent, and return the ids ready for a worker to claim."""
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

    unfinished = Digest.objects.filter(status__in=UNFINISHED)
    if user_ids is not None:
        unfinished = unfinished.filter(owner_id__in=user_ids)
    lease_cut = now - CLAIM_LEASE
    ready = []
    for digest in unfinished.only("id", "owner_id", "period", "status", "claimed_at", "attempts"):
        window = windows.get(digest.owner_id)
        if window is None:  # turned off (or the account closed) since the row was made
            _finish(digest.pk, DigestStatus.SKIPPED, "digest turned off before it was sent")
        elif digest.period != window.period:
            _finish(digest.pk, DigestStatus.SKIPPED, "the week ended before it could be sent")
        elif digest.status == DigestStatus.SENDING:
            if digest.claimed_at and digest.claimed_at < lease_cut:
                # Handed to the mail server by a worker that died: it may have gone out.
                _finish(
                    digest.pk,
                    DigestStatus.FAILED,
                    "interrupted while sending; not resent to avoid a duplicate",
                    only=[DigestStatus.SENDING],
                )
        elif digest.attempts >= MAX_ATTEMPTS:
            _finish(digest.pk, DigestStatus.FAILED, f"gave up after {digest.attempts} attempts")
        elif digest.claimed_at is None or digest.claimed_at < lease_cut:
            ready.append(digest.pk)
    return ready


def deliver_digest(digest_id: int, now: datetime | None = None) -> str:
    """Claim one digest row and send it; returns what happened ("sent", "claimed elsewhere", …).
    Raises a TRANSIENT_ERRORS exception (after releasing the claim) when the send should be
    retried."""
    now = now or timezone.now()
    digest = Digest.objects.select_related("owner").filter(pk=digest_id).first()
    if digest is None:
        return "gone"
    if digest.status not in (DigestStatus.PENDING, DigestStatus.CLAIMED):
        return digest.status
    owner = digest.owner
    profile = get_profile(owner)
    window = digest_window(profile, now)
    if digest.period != window.period or now >= window.ends_at:
        _finish(
            digest.pk,
            DigestStatus.SKIPPED,
            "the week ended before it could be sent",
            only=[DigestStatus.PENDING, DigestStatus.CLAIMED],
        )
        return "stale"
    if not profile.digest_enabled or not owner.email or not owner.is_active:
        _finish(
            digest.pk,
            DigestStatus.SKIPPED,
            "digest turned off before it was sent",
            only=[DigestStatus.PENDING, DigestStatus.CLAIMED],
        )
        return "turned off"
    claimable = Q(status=DigestStatus.PENDING) | Q(
        status=DigestStatus.CLAIMED, claimed_at__lt=now - CLAIM_LEASE
    )
    claimed = Digest.objects.filter(claimable, pk=digest.pk, attempts__lt=MAX_ATTEMPTS).update(
        status=DigestStatus.CLAIMED, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "claimed elsewhere"
    message = render_digest_message(
        owner, build_digest(owner, now, profile=profile), period=digest.period
    )
    # Point of no return: from here on a crash must not lead to a second send.
    if (
        Digest.objects.filter(pk=digest.pk, status=DigestStatus.CLAIMED, claimed_at=now).update(
            status=DigestStatus.SENDING
        )
        != 1
    ):
        return "claimed elsewhere"
    try:
        message.send()
    except PERMANENT_ERRORS as exc:
        _finish(digest.pk, DigestStatus.FAILED, f"refused: {exc}", only=[DigestStatus.SENDING])
        return "failed"
    except TRANSIENT_ERRORS as exc:
        Digest.objects.filter(pk=digest.pk, status=DigestStatus.SENDING).update(
            status=DigestStatus.PENDING, error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    Digest.objects.filter(pk=digest.pk).update(
        status=DigestStatus.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


def give_up_digest(digest_id: int, exc: BaseException) -> None:
    """After the last retry: the digest is marked failed (logged, shown in settings)."""
    _finish(
        digest_id, DigestStatus.FAILED, f"{type(exc).__name__}: {exc}", only=[DigestStatus.PENDING]
    )


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 30 s, 1 min, 2 min … capped at 10 min."""
    return min(600, 30 * 2**retries)


def turn_digest_off(profile: Profile) -> None:
    """Stop the weekly digest (the unsubscribe link); settings can turn it back on."""
    Profile.objects.filter(pk=profile.pk).update(digest_enabled=False)
    profile.digest_enabled = False


def rotate_calendar_token(profile: Profile) -> str:
    """Give the calendar feed a new secret; every old subscription stops working."""
    token = Profile._meta.get_field("calendar_token").get_default()
    Profile.objects.filter(pk=profile.pk).update(calendar_token=token)
    profile.calendar_token = token
    return token


def last_digest(owner) -> Digest | None:
    """The user's most recent digest row, for the settings page."""
    return Digest.objects.filter(owner=owner).first()
