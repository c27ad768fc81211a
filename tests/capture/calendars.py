"""iCalendar files for the capture tests, built around the real current time (the worker that
reads them runs in another process, where time cannot be frozen)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ME = "me@example.com"
ANA = "ana@example.org"
JONAS = "jonas@example.org"
BOB = "bob@newco.example"

VTIMEZONES = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
"""


def local(zone, days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = (datetime.now(zone) - timedelta(days=days_ago)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _fmt(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(uid, summary, start: datetime, minutes=30, *, attendees=(), organizer=ME, extra=""):
    zone = start.tzinfo.key
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(datetime.now(UTC))}",
        f"DTSTART;TZID={zone}:{_fmt(start)}",
        f"DTEND;TZID={zone}:{_fmt(start + timedelta(minutes=minutes))}",
        f"SUMMARY:{summary}",
        f"ORGANIZER;CN=Me:mailto:{organizer}",
    ]
    lines += [f"ATTENDEE;{params}:mailto:{address}" for address, params in attendees]
    if extra:
        lines += extra.strip().splitlines()
    lines.append("END:VEVENT")
    return "\n".join(lines) + "\n"


def calendar(*events, name="Work") -> bytes:
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//network_crm tests//EN\n"
        f"X-WR-CALNAME:{name}\n" + VTIMEZONES + "".join(events) + "END:VCALENDAR\n"
    )
    return text.replace("\n", "\r\n").encode()


def work_calendar() -> tuple[bytes, dict]:
    """A calendar with every case the poller must get right, and what it should suggest."""
    sync = local(BERLIN, 2, 14)
    series_start = local(NEW_YORK, 28, 10)
    moved_original = series_start + timedelta(days=21)
    cancelled = series_start + timedelta(days=14)
    excluded = series_start + timedelta(days=7)
    events = [
        event(
            "sync-1@test", "Architecture sync", sync,
            attendees=[
                (ANA, "CN=Ana Alves;PARTSTAT=ACCEPTED"),
                (JONAS, "CN=Jonas Jung;PARTSTAT=ACCEPTED"),
                (ME, "CN=Me;PARTSTAT=ACCEPTED"),
                ("room-4@resource.calendar.google.com", "CUTYPE=ROOM;CN=Room 4"),
                (BOB, "CN=Bob New;PARTSTAT=TENTATIVE"),
                ("noreply@example.com", "CN=Robot"),
            ],
            extra="LOCATION:Room 4",
        ),
        # Weekly 1:1 in New York time: one occurrence excluded, one cancelled, one moved.
        event(
            "one-on-one@test", "1:1 Ana", series_start,
            attendees=[(ANA, "CN=Ana Alves")],
            extra=f"RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE;TZID=America/New_York:{_fmt(excluded)}\n"
            "LOCATION:https://meet.google.com/abc-defg-hij",
        ),
        event(
            "one-on-one@test", "1:1 Ana", cancelled, attendees=[(ANA, "CN=Ana Alves")],
            extra=f"RECURRENCE-ID;TZID=America/New_York:{_fmt(cancelled)}\nSTATUS:CANCELLED",
        ),
        event(
            "one-on-one@test", "1:1 Ana (moved)", moved_original + timedelta(hours=2),
            attendees=[(ANA, "CN=Ana Alves")],
            extra=f"RECURRENCE-ID;TZID=America/New_York:{_fmt(moved_original)}\nSEQUENCE:1",
        ),
        # Not suggested: in the future, declined, all day, older than the look-back, alone.
        event("future@test", "Planning", local(BERLIN, -2, 9), attendees=[(ANA, "CN=Ana")]),
        event(
            "declined@test", "Optional demo", local(BERLIN, 3, 16),
            attendees=[(JONAS, "CN=Jonas"), (ME, "PARTSTAT=DECLINED")],
        ),
        "BEGIN:VEVENT\nUID:allday@test\nDTSTAMP:20260101T000000Z\n"
        f"DTSTART;VALUE=DATE:{local(BERLIN, 4, 0):%Y%m%d}\nSUMMARY:Offsite\n"
        f"ATTENDEE:mailto:{ANA}\nEND:VEVENT\n",
        event("old@test", "Old meeting", local(BERLIN, 45, 11), attendees=[(ANA, "CN=Ana")]),
        event("focus@test", "Focus time", local(BERLIN, 1, 8)),
        # Only a stranger: nothing to log, but Bob is offered as a new contact.
        event(
            "coffee-bob@test", "Coffee with Bob", local(BERLIN, 5, 15),
            attendees=[(BOB, "CN=Bob New")], extra="LOCATION:Café Kranzler",
        ),
    ]
    expected = {
        f"event:sync-1@test:{_utc(sync)}": ("Architecture sync", {ANA, JONAS}),
        f"event:one-on-one@test:{_utc(series_start)}": ("1:1 Ana", {ANA}),
        f"event:one-on-one@test:{_utc(moved_original)}": ("1:1 Ana (moved)", {ANA}),
    }
    return calendar(*events, name=ME), expected
