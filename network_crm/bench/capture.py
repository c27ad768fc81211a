"""Benchmark of capture (issue 19): reading a 2,000-event calendar over HTTP and a
20,000-message mailbox in a dovecot of its own, first and incremental runs, through the same
claim-and-read path as the worker (capture.services.read_claimed_source).

Each read is timed end to end (the servers run on this machine, so their share is in it);
the figures are events or messages per second. The incremental calendar run is the
conditional request answered 304; beside it, a full read of the unchanged feed (what a host
that ignores ETag and Last-Modified costs on every read)
must suggest nothing again. The incremental mailbox run reads 100 new messages.
"""

import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

SIZES = {"full": (2_000, 20_000), "quick": (500, 5_000), "tiny": (40, 200)}
# Targets: a first read of the full sizes within 20 s (calendar) and 100 s (mailbox), far
# inside the 15 minutes between reads, with room for a busy machine; a later read within 2 s.
CALENDAR_EVENTS_PER_SECOND = 100
MAILBOX_MESSAGES_PER_SECOND = 200
INCREMENTAL_SECONDS = 2.0
CONTACTS = 400
NEW_MESSAGES = 100


def _people(rng, count):
    # Half the addresses belong to contacts, a few to strangers, one is the user.
    return [f"person{rng.randrange(CONTACTS * 2)}@corp.example" for _ in range(count)]


def _calendar(events: int, now: datetime, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//network_crm bench//EN",
             "X-WR-CALNAME:bench@corp.example"]
    series = events // 10
    for n in range(events):
        start = (now - timedelta(days=rng.uniform(0, 30), hours=rng.randrange(8))).replace(
            second=0, microsecond=0)
        lines += [
            "BEGIN:VEVENT", f"UID:bench-{n}@corp.example", "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Meeting {n}", "ORGANIZER:mailto:bench@corp.example",
        ]
        if n < series:  # a weekly series with a few occurrences in the window
            lines.append("RRULE:FREQ=WEEKLY;COUNT=6")
        lines += [f"ATTENDEE;CN=Person:mailto:{a}" for a in _people(rng, rng.randint(1, 5))]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _messages(count: int, now: datetime, seed: int, start: int = 0):
    rng = random.Random(seed + start)
    for n in range(start, start + count):
        when = now - timedelta(days=rng.uniform(0, 29))
        sender, to = ("bench@corp.example", ", ".join(_people(rng, rng.randint(1, 3))))
        if n % 2:
            sender, to = _people(rng, 1)[0], "bench@corp.example"
        list_id = f"List-Id: <list{n % 7}.corp.example>\r\n" if n % 10 == 0 else ""
        data = (
            f"From: {sender}\r\nTo: {to}\r\nSubject: Thread {n}\r\n"
            f"Date: {format_datetime(when)}\r\nMessage-ID: <bench-{n}@corp.example>\r\n{list_id}"
            "\r\nNot read by the poller.\r\n"
        ).encode()
        yield ("Sent" if n % 2 == 0 else "INBOX"), data, when.timestamp()


def _owner(seed):
    from django.contrib.auth import get_user_model

    from contacts.models import Contact, ContactEmail, Profile

    user = get_user_model().objects.create_user("capture-bench", "bench@corp.example")
    Profile.objects.create(owner=user)
    contacts = Contact.objects.bulk_create(
        Contact(owner=user, name=f"Person {n}") for n in range(CONTACTS)
    )
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, email=f"person{n}@corp.example") for n, c in enumerate(contacts)
    )
    return user


def _timed_read(source) -> tuple[float, dict]:
    from capture import services

    claimed = services.claim_source(source.pk, force=True)
    started = time.perf_counter()
    stats = services.read_claimed_source(*claimed)
    seconds = time.perf_counter() - started
    if not stats or "error" in stats:
        raise RuntimeError(f"reading {source.name} failed: {stats}")
    return seconds, stats


def measure(bench) -> None:
    """The capture phase of `manage.py bench`: adds the calendar and mailbox figures. Its
    servers are its own, on 127.0.0.1, with a key of its own for their passwords."""
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.test import override_settings

    keys = settings.CAPTURE_ENCRYPTION_KEYS or [Fernet.generate_key().decode()]
    with override_settings(CAPTURE_ALLOW_PRIVATE_HOSTS=True, CAPTURE_ENCRYPTION_KEYS=keys):
        _measure(bench)


def _measure(bench) -> None:
    from capture import services
    from capture.models import ImapSecurity, Source, SourceKind, Suggestion

    from .capture_servers import CalendarHost, Dovecot, write_maildir

    events, messages = SIZES.get(bench.size.name, SIZES["quick"])
    owner = _owner(bench.seed)
    now = datetime.now(UTC)

    host = CalendarHost().start()
    try:
        host.files["/bench.ics"] = _calendar(events, now, bench.seed)
        source = services.save_source(
            owner, SourceKind.ICAL, {"name": "Bench calendar", "url": f"{host.url}/bench.ics"})
        first, stats = _timed_read(source)
        conditional, _ = _timed_read(source)
        Source.objects.filter(pk=source.pk).update(etag="", last_modified="", read_through=None)
        full_again, again = _timed_read(source)
    finally:
        host.stop()
    occurrences = stats["found"]
    rate = events / first
    bench.add("capture: calendar", {
        "kind": "capture", "events": events, "occurrences": occurrences,
        "suggestions": stats["created"], "first_seconds": round(first, 3),
        "conditional_seconds": round(conditional, 3), "unchanged_full_seconds": round(full_again, 3),
        "created_again": again["created"],
        "figure": (f"{events:,} events ({occurrences:,} occurrences) first read {first:.2f} s = "
                   f"{rate:,.0f} events/s; 304 {conditional * 1000:.0f} ms; unchanged full read "
                   f"{full_again:.2f} s ({again['created']} new)"),
    }, [
        (f"first read ≥ {CALENDAR_EVENTS_PER_SECOND} events/s", round(rate), rate >= CALENDAR_EVENTS_PER_SECOND),
        (f"incremental (conditional) < {INCREMENTAL_SECONDS} s", round(conditional, 3),
         conditional < INCREMENTAL_SECONDS),
        ("nothing suggested twice", again["created"], again["created"] == 0),
    ])
    bench.log(f"  capture: calendar {events} events, first {first:.2f}s, 304 {conditional:.3f}s, "
              f"full again {full_again:.2f}s")

    dovecot = Dovecot(username="bench@corp.example").start()
    try:
        by_folder = {"INBOX": [], "Sent": []}
        for folder, data, when in _messages(messages, now, bench.seed):
            by_folder[folder].append((data, when))
        for folder, rows in by_folder.items():
            write_maildir(dovecot, folder, rows)
        # dovecot indexes a folder when first opened: that is the server's own once-only work.
        warm = dovecot.connect()
        for folder in by_folder:
            warm.select(folder, readonly=True)
        warm.logout()
        mailbox = services.save_source(owner, SourceKind.IMAP, {
            "name": "Bench mail", "host": "127.0.0.1", "port": dovecot.port,
            "security": ImapSecurity.NONE, "username": dovecot.username,
            "password": dovecot.password, "inbox_folder": "INBOX", "sent_folder": "Sent",
        })
        first_mail, mail_stats = _timed_read(mailbox)
        for folder, data, when in _messages(NEW_MESSAGES, now, bench.seed, start=messages):
            dovecot.append(folder, _as_message(data), datetime.fromtimestamp(when, UTC))
        incremental, new_stats = _timed_read(mailbox)
    finally:
        dovecot.stop()
    rate = messages / first_mail
    bench.add("capture: mailbox", {
        "kind": "capture", "messages": messages, "suggestions": mail_stats["created"],
        "first_seconds": round(first_mail, 3), "incremental_seconds": round(incremental, 3),
        "incremental_messages": new_stats["found"],
        "suggestions_total": Suggestion.objects.filter(owner=owner).count(),
        "figure": (f"{messages:,} messages first read {first_mail:.2f} s = {rate:,.0f}/s "
                   f"({mail_stats['created']:,} suggestions); {NEW_MESSAGES} new in "
                   f"{incremental * 1000:.0f} ms"),
    }, [
        (f"first read ≥ {MAILBOX_MESSAGES_PER_SECOND:,} messages/s", round(rate), rate >= MAILBOX_MESSAGES_PER_SECOND),
        (f"incremental < {INCREMENTAL_SECONDS} s", round(incremental, 3), incremental < INCREMENTAL_SECONDS),
    ])
    bench.log(f"  capture: mailbox {messages} messages, first {first_mail:.2f}s, "
              f"incremental {incremental:.3f}s")


def _as_message(data: bytes):
    from email import message_from_bytes
    from email.policy import default

    return message_from_bytes(data, policy=default)
