"""A real Celery worker and a real beat against Redis and PostgreSQL: beat ticks, the scanners
run, and a due digest arrives in the mail folder exactly once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from contacts.models import Contact
from interactions.models import Digest, DigestStatus, FollowUp, SchedulerTick
from tests.factories import ContactFactory, ProfileFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 120


def _redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the worker test needs a real Redis broker")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.exceptions.RedisError, OSError) as exc:
        pytest.skip(f"Redis at {url} is not reachable: {exc}")
    return url


def _database_url_or_skip() -> str:
    if connection.vendor != "postgresql":
        pytest.skip(
            "DATABASE_URL is not PostgreSQL: workers cannot share an in-memory test database"
        )
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    # The test database pytest-django created (test_…), not the configured one.
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "network_crm", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> int | None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            return process.wait(timeout=10)
    return process.returncode


def _sent_messages(folder: Path) -> int:
    return sum(path.read_text().count("List-Unsubscribe-Post:") for path in folder.glob("*.log"))


def _wait_for(condition, what: str, logs: list[Path]):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def test_worker_and_beat_tick_scan_and_send_a_due_digest_exactly_once(tmp_path):
    redis_url = _redis_url_or_skip()
    database_url = _database_url_or_skip()
    now = timezone.now()
    if (now + timedelta(minutes=3)).date() != now.date():
        time.sleep(
            (timezone.now().replace(hour=23, minute=59, second=59) - timezone.now()).total_seconds()
            + 2
        )
        now = timezone.now()
    # Due since the top of the current UTC hour, today.
    user = UserFactory(username="worker-test")
    ProfileFactory(owner=user, time_zone="UTC", digest_weekday=now.weekday(), digest_hour=now.hour)
    contact = ContactFactory(owner=user)
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=now.date() - timedelta(days=1))

    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"file://{mail_dir}",
        "NETWORK_CRM_DATA_DIR": str(tmp_path / "data"),
        "NETWORK_CRM_SCHEDULER_TICK_SECONDS": "1",
        "NETWORK_CRM_FOLLOW_UP_SCAN_SECONDS": "2",
        "NETWORK_CRM_DIGEST_SCAN_SECONDS": "2",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = _start(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--hostname=network-crm-test@%h",
        ],
        env,
        worker_log,
    )
    beat = _start(
        ["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")], env, beat_log
    )
    try:
        logs = [worker_log, beat_log]
        _wait_for(
            lambda: SchedulerTick.objects.filter(name="scheduler-tick").exists(),
            "a scheduler tick",
            logs,
        )
        _wait_for(
            lambda: FollowUp.objects.filter(contact=contact).exists(), "the cadence follow-up", logs
        )
        _wait_for(
            lambda: Digest.objects.filter(owner=user, status=DigestStatus.SENT).exists(),
            "the digest",
            logs,
        )
        _wait_for(lambda: _sent_messages(mail_dir) >= 1, "the digest in the mail folder", logs)
        # Several more scans run; none may send it again.
        time.sleep(6)
        assert _sent_messages(mail_dir) == 1
        assert Digest.objects.filter(owner=user).count() == 1
        assert FollowUp.objects.filter(contact=contact).count() == 1
    finally:
        beat_code = _stop(beat)
        worker_code = _stop(worker)
    assert worker_code == 0, worker_log.read_text()[-3000:]
    assert beat_code is not None
