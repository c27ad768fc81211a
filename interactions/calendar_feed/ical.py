"""The iCalendar feed (RFC 5545) of a user's open follow-ups and events, written by hand:
all-day VEVENTs, TEXT escaping, and lines folded at 75 octets."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Q

from contacts.dates.models import ImportantDate, occurrence_in
from contacts.dates.selectors import calendar_dates
from contacts.models import Event, Profile

from ..followups import OPEN_STATUSES, local_today
from ..followups.selectors import follow_up_reason_text
from ..models import FollowUp

# The feed covers this window of days around today: calendar apps poll it every hour, and a
# 30,000-contact network has more open follow-ups than a calendar can show usefully (the
# dashboard keeps the older overdue ones).
PAST_DAYS = 90
FUTURE_DAYS = 365
MAX_FOLLOW_UPS = 500


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character
    (RFC 5545 §3.1); continuation lines start with one space."""
    octets = len(line.encode("utf-8"))
    if octets <= 75:
        return line
    if octets == len(line):  # ASCII: one octet a character, so slices will do
        return "\r\n ".join([line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)])
    chunks, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space counts
        current.append(char)
        size += width
    chunks.append("".join(current))
    return "\r\n ".join(chunks)


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def _vevent(
    uid: str,
    start: date,
    end: date,
    summary: str,
    stamp: str,
    description: str = "",
    location: str = "",
    url: str = "",
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@{_host()}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        f"DTEND;VALUE=DATE:{_date(end)}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        lines.append(f"URL:{url}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def calendar_for(profile: Profile, now: datetime) -> str:
    """The whole feed as text with CRLF line endings: follow-ups due from PAST_DAYS ago to
    FUTURE_DAYS ahead, events and one-off dates from PAST_DAYS ago on (a user has a few), yearly
    dates with their rule. Three queries whatever the row count."""
    from ..digests import contact_url

    today = local_today(profile, now)
    first_day, last_day = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    # The day's start rather than the second: an unchanged feed reads the same all day, so its
    # ETag holds and a polling calendar app is answered 304 (views.calendar_feed).
    stamp = _stamp(datetime.combine(now.astimezone(UTC).date(), datetime.min.time()))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//network_crm//follow-ups and events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:network_crm",
        f"X-WR-TIMEZONE:{profile.time_zone}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ]
    follow_ups = (
        FollowUp.objects.filter(
            owner_id=profile.owner_id,
            status__in=OPEN_STATUSES,
            due_on__range=(first_day, last_day),
        )
        .select_related("contact", "event", "mentorship")
        .order_by("due_on", "id")[:MAX_FOLLOW_UPS]
    )
    for follow_up in follow_ups:
        url = contact_url(follow_up.contact_id)
        lines += _vevent(
            f"followup-{follow_up.pk}",
            follow_up.due_on,
            follow_up.due_on + timedelta(days=1),
            f"Reach out: {follow_up.contact.display_name}",
            stamp,
            description=f"{follow_up_reason_text(follow_up, today, profile=profile)}\n{url}",
            url=url,
        )
    events = (
        Event.objects.filter(owner_id=profile.owner_id)
        .filter(Q(starts_on__gte=first_day) | Q(ends_on__gte=first_day))
        .order_by("starts_on")
    )
    for event in events:
        lines += _vevent(
            f"event-{event.pk}",
            event.starts_on,
            event.last_day + timedelta(days=1),
            event.name,
            stamp,
            description=event.goals,
            location=event.place,
        )
    for important in calendar_dates(profile.owner_id, since=first_day):
        lines += _important_date_vevent(important, stamp, contact_url(important.contact_id))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _important_date_vevent(important: ImportantDate, stamp: str, url: str) -> list[str]:
    """A birthday or other date as an all-day event: yearly ones with an RRULE (29 February
    on the last day of February in other years), from their own year when it is known."""
    if important.yearly:
        # Without its year, a date starts in the year it was recorded (a stable DTSTART).
        start = important.original or occurrence_in(
            important.created_at.year, important.month, important.day
        )
    else:
        start = important.original
    lines = _vevent(
        f"date-{important.pk}",
        start,
        start + timedelta(days=1),
        f"{important.title}: {important.contact.display_name}",
        stamp,
        description=url,
        url=url,
    )
    if important.yearly:
        rule = "RRULE:FREQ=YEARLY"
        if (important.month, important.day) == (2, 29):
            rule += ";BYMONTH=2;BYMONTHDAY=-1"
        lines.insert(lines.index("TRANSP:TRANSPARENT"), rule)
    return lines
