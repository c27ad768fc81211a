"""Meetings out of iCalendar data, shared by the iCal-address and CalDAV pollers: recurring
series expanded by recurring-ical-events (exceptions and cancelled occurrences included), time
zones honoured (TZID, X-WR-TIMEZONE; floating times in the user's zone), all-day entries and
meetings the user declined left out."""

from datetime import UTC, date, datetime, timedelta

import icalendar
import recurring_ical_events
from django.conf import settings

from ..found import Found, meeting_kind, normalise
from ..models import SuggestionOrigin
from . import SourceError

# Meetings starting up to this far ahead are stored too (unseen until they end), so a feed
# that answers "304 Not Modified" for a while still yields the meetings that end meanwhile.
HORIZON = timedelta(days=1)
SKIPPED_CUTYPES = {"ROOM", "RESOURCE"}


def window(source, now: datetime) -> tuple[datetime, datetime]:
    """What a read covers: the look-back (30 days by default) up to a day ahead."""
    return now - timedelta(days=settings.CAPTURE_LOOKBACK_DAYS), now + HORIZON


def parse(data: bytes | str) -> icalendar.Calendar:
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise SourceError(f"The calendar could not be read: it is not valid iCalendar ({_short(exc)}).") from None
    if calendar.name != "VCALENDAR":
        raise SourceError("The address did not return a calendar (no VCALENDAR).")
    return calendar


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _aware(value, zone) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return None  # a date: an all-day entry


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def calendar_owner_address(calendar: icalendar.Calendar) -> str:
    """Google names a secret feed after the account's address (X-WR-CALNAME)."""
    return normalise(str(calendar.get("X-WR-CALNAME", "")))


def meetings(calendar, start: datetime, end: datetime, zone, own: set[str]) -> list[Found]:
    """Every timed occurrence between start and end that is not cancelled or declined."""
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        occurrences = list(query.between(start, end))
    except (ValueError, TypeError, KeyError) as exc:
        raise SourceError(f"The calendar's meetings could not be expanded ({_short(exc)}).") from None
    found = []
    for event in occurrences:
        item = _meeting(event, zone, own)
        if item is not None:
            found.append(item)
    return found


def _meeting(event, zone, own: set[str]) -> Found | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    begins = _aware(event.get("DTSTART").dt if event.get("DTSTART") else None, zone)
    if begins is None:
        return None
    ends = _aware(event.get("DTEND").dt if event.get("DTEND") else None, zone) or begins
    people = []
    for attendee in _as_list(event.get("ATTENDEE")):
        params = getattr(attendee, "params", {})
        if str(params.get("CUTYPE", "INDIVIDUAL")).upper() in SKIPPED_CUTYPES:
            continue
        address = normalise(str(attendee))
        if not address:
            continue
        if address in own and str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            return None  # the user said no: not a conversation they had
        people.append((address, str(params.get("CN", "")).strip()))
    organizer = event.get("ORGANIZER")
    organizer_address = normalise(str(organizer)) if organizer else ""
    if organizer_address:
        people.append((organizer_address, str(organizer.params.get("CN", "")).strip()))
    recurrence_id = event.get("RECURRENCE-ID")
    occurrence = recurrence_id.dt if recurrence_id is not None else begins
    if isinstance(occurrence, datetime):
        occurrence = _aware(occurrence, zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    elif isinstance(occurrence, date):
        occurrence = occurrence.strftime("%Y%m%d")
    uid = str(event.get("UID", "")).strip() or f"no-uid:{begins.isoformat()}:{event.get('SUMMARY', '')}"
    return Found(
        key=f"event:{uid}:{occurrence}"[:500],
        origin=SuggestionOrigin.MEETING,
        title=str(event.get("SUMMARY", "")).strip(),
        start=begins.astimezone(UTC),
        end=ends.astimezone(UTC),
        people=people,
        organizer=organizer_address,
        kind=meeting_kind(
            str(event.get("LOCATION", "")),
            str(event.get("DESCRIPTION", "")),
            str(event.get("URL", "")),
            str(event.get("X-GOOGLE-CONFERENCE", "")),
        ),
    )
