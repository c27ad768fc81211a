"""When the weekly digest goes out: the user's local week and digest moment, the next one, the
last one sent, and the settings page's services (turn it off, a new calendar feed secret)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from contacts.models import Profile
from contacts.services import get_profile

from ..models import Digest, DigestStatus

UNFINISHED = (DigestStatus.PENDING, DigestStatus.CLAIMED, DigestStatus.SENDING)


@dataclass(frozen=True)
class DigestWindow:
    period: date  # Monday of the user's local week (a daily window: the local day)
    due_at: datetime  # the chosen weekday and hour, local time, as UTC
    ends_at: datetime  # next local Monday (or day) 00:00, as UTC: after this it is stale


def local_window(zone, now: datetime, *, hour: int, weekday: int | None = None) -> DigestWindow:
    """The user's current local period and its moment: with a weekday, the week (period: its
    Monday) and that day at `hour`; without, today at `hour` (period: today). Anything else
    scheduled at a local hour (the chat and push reminders) reuses this. A local hour that does
    not exist (spring forward) resolves to the hour after the gap."""
    local = now.astimezone(zone)
    if weekday is None:
        start, day, length = local.date(), local.date(), 1
    else:
        start = local.date() - timedelta(days=local.weekday())
        day, length = start + timedelta(days=weekday), 7
    due_local = datetime.combine(day, time(hour), tzinfo=zone)
    end_local = datetime.combine(start + timedelta(days=length), time(0), tzinfo=zone)
    return DigestWindow(start, due_local.astimezone(UTC), end_local.astimezone(UTC))


def digest_window(profile: Profile, now: datetime) -> DigestWindow:
    """This local week's digest moment for the user."""
    return local_window(
        profile.zone, now, hour=profile.digest_hour, weekday=profile.digest_weekday
    )


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


def profile_of(owner) -> Profile:
    """The profile of a user loaded with select_related("profile"), made with the defaults if
    the user never opened the settings page."""
    try:
        return owner.profile
    except Profile.DoesNotExist:
        return get_profile(owner)


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
