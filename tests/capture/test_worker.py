"""The real thing: Celery beat starts the capture scanner, a real worker claims and reads an
iCal address over HTTP and a mailbox in dovecot, then reads them again; the suggestions are
the expected ones, none twice, and a failing source records its error and is retried."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from capture.models import Source, Suggestion, SuggestionStatus
from tests.hardening.faults import (
    RedisServer,
    child_database_url,
    require_postgres,
    start_worker,
    stop_worker,
    wait_for,
)

from .calendars import ANA, JONAS, ME, work_calendar
from .servers import mail

pytestmark = [pytest.mark.services, pytest.mark.imap, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC)


def _reads(source_id: int, seen: set) -> int:
    """Distinct successful reads of a source seen so far (its last_success_at changes)."""
    moment = Source.objects.filter(pk=source_id).values_list("last_success_at", flat=True).first()
    if moment:
        seen.add(moment)
    return len(seen)


def test_beat_and_worker_read_every_source_twice_and_suggest_nothing_twice(
    tmp_path, me, ana, jonas, calendar_host, dovecot, ical_source, imap_source
):
    require_postgres()
    redis = RedisServer(tmp_path)
    redis.start()
    body, expected_meetings = work_calendar()
    calendar_host.files["/work.ics"] = body
    dovecot.append("Sent", mail(ME, ANA, "Offer review", NOW - timedelta(days=2),
                                message_id="<sent-1@test>"), NOW - timedelta(days=2))
    dovecot.append("INBOX", mail(JONAS, ME, "Re: roadmap", NOW - timedelta(days=1),
                                 message_id="<in-1@test>"), NOW - timedelta(days=1))
    calendar = ical_source()
    mailbox = imap_source()
    missing = ical_source("/missing.ics", name="Old calendar")

    env = {
        **__import__("os").environ,
        "DATABASE_URL": child_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis.url,
        "NETWORK_CRM_DATA_DIR": str(tmp_path / "data"),
        "NETWORK_CRM_CAPTURE_SCAN_SECONDS": "1",
        "NETWORK_CRM_CAPTURE_READ_SECONDS": "2",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = start_worker(env, worker_log, name="capture-test")
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "network_crm", "beat", "--loglevel=INFO",
         "--schedule", str(tmp_path / "beat-schedule")],
        cwd=settings.BASE_DIR, env=env, stdout=beat_log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    logs = (worker_log, beat_log)
    calendar_reads, mailbox_reads = set(), set()
    try:
        wait_for(lambda: _reads(calendar.pk, calendar_reads) >= 2
                 and _reads(mailbox.pk, mailbox_reads) >= 2,
                 "two reads of the calendar and of the mailbox", timeout=120, logs=logs)
        wait_for(lambda: Source.objects.get(pk=missing.pk).failures >= 1,
                 "the missing calendar's failure", timeout=60, logs=logs)
    finally:
        stop_worker(beat)
        stop_worker(worker)
        redis.stop()

    statuses = calendar_host.statuses("/work.ics")
    assert statuses[0] == 200 and 304 in statuses[1:]
    pending = set(
        Suggestion.objects.filter(owner=me, status=SuggestionStatus.PENDING).values_list("key", flat=True)
    )
    assert pending == set(expected_meetings) | {"mail:sent-1@test", "mail:in-1@test"}
    # One row per meeting occurrence or message, however many reads.
    assert Suggestion.objects.filter(owner=me).count() == len(pending) + 1  # + coffee with Bob
    failing = Source.objects.get(pk=missing.pk)
    assert "404" in failing.last_error and failing.next_read_at > failing.last_read_at
