"""Celery tasks stay thin and idempotent; the beat schedule starts only short scanners, each
period overridable from the environment with `expires` just under it."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from contacts.models import Contact, Profile, Tier
from interactions import followups, services, tasks
from interactions.followups import schedule
from interactions.models import Digest, FollowUp, FollowUpStatus, ScheduleRefresh, SchedulerTick
from network_crm import fragment_cache
from network_crm.celery import app
from tests.factories import ContactFactory, InteractionFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Users are created in almost every test; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_scheduler_tick_records_the_time():
    with time_machine.travel(at(2026, 3, 30, 7), tick=False):
        tasks.record_scheduler_tick.run()
    assert SchedulerTick.objects.get(name="scheduler-tick").ticked_at == at(2026, 3, 30, 7)


def test_follow_up_scan_task_run_twice_creates_one_follow_up(owner):
    contact = ContactFactory(owner=owner)
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=date(2026, 3, 1))
    with time_machine.travel(at(2026, 3, 30, 7), tick=False):
        tasks.scan_follow_ups.run()
        tasks.scan_follow_ups.run()
    assert FollowUp.objects.filter(contact=contact).count() == 1


def test_scanners_record_when_they_last_completed():
    with time_machine.travel(at(2026, 3, 30, 7), tick=False):
        tasks.scan_follow_ups.run()
        tasks.scan_digests.run()
    assert set(SchedulerTick.objects.values_list("name", "ticked_at")) == {
        ("scan-follow-ups", at(2026, 3, 30, 7)),
        ("scan-digests", at(2026, 3, 30, 7)),
    }


def test_digest_scan_task_queues_the_due_digests_in_batches_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    for _ in range(5):
        ProfileFactory(owner=UserFactory(), digest_weekday=0, digest_hour=7)
    monkeypatch.setattr(tasks.digests, "BATCH_SIZE", 2)
    queued = []
    monkeypatch.setattr(tasks.send_digests, "delay", queued.append)
    with (
        time_machine.travel(at(2026, 3, 30, 7, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ready = tasks.scan_digests.run()
    assert sorted(ready) == sorted(Digest.objects.values_list("pk", flat=True))
    assert queued == [ready[:2], ready[2:4], ready[4:]]


def test_send_digests_task_sends_a_batch_once():
    for _ in range(2):
        ProfileFactory(owner=UserFactory(), digest_weekday=0, digest_hour=7)
    with time_machine.travel(at(2026, 3, 30, 7, 5), tick=False):
        ready = tasks.digests.scan_due_digests()
        assert tasks.send_digests.run(ready) == dict.fromkeys(ready, "sent")
        assert tasks.send_digests.run(ready) == dict.fromkeys(ready, "already sent")
    assert len(mail.outbox) == 2


def test_send_digest_task_sends_the_digest_once():
    ProfileFactory(owner=UserFactory(), digest_weekday=0, digest_hour=7)
    with time_machine.travel(at(2026, 3, 30, 7, 5), tick=False):
        (digest_id,) = tasks.digests.scan_due_digests()
        assert tasks.send_digest.run(digest_id) == "sent"
        assert tasks.send_digest.run(digest_id) == "already sent"  # a redelivery sends nothing
    assert len(mail.outbox) == 1


def test_send_digest_task_for_a_deleted_digest_returns_quietly():
    assert tasks.send_digest.run(999_999) == "gone"


def test_beat_schedule_starts_only_registered_scanners_with_expiry_under_the_period():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert 0 < entry["options"]["expires"] < entry["schedule"], name
    assert {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} == {
        "interactions.tasks.record_scheduler_tick",
        "interactions.tasks.scan_follow_ups",
        "interactions.tasks.scan_digests",
        "interactions.tasks.recompute_strength",
        "capture.tasks.scan_sources",
        "notifications.tasks.scan_reminders",
        "api.tasks.scan_webhooks",
        "contacts.tasks.clean_import_files",
        "interactions.tasks.clean_restore_files",
        "contacts.tasks.forget_deleted_contacts",
    }


def _settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "e = s.CELERY_BEAT_SCHEDULE['scan-digests']; print(e['schedule'], e['options']['expires'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "network_crm.settings", **env},
        cwd=settings.BASE_DIR,
    )


def test_scanner_period_is_overridable_from_the_environment():
    result = _settings_in_subprocess(NETWORK_CRM_DIGEST_SCAN_SECONDS="40")
    assert result.stdout.split() == ["40", "36.0"], result.stderr


def test_bad_scanner_period_stops_start_up_loudly():
    result = _settings_in_subprocess(NETWORK_CRM_DIGEST_SCAN_SECONDS="soon")
    assert result.returncode != 0 and "NETWORK_CRM_DIGEST_SCAN_SECONDS" in result.stderr


def test_strength_recompute_is_on_the_beat_schedule_once_a_day():
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-strength"]
    assert entry["task"] == "interactions.tasks.recompute_strength"
    assert entry["schedule"] == 24 * 3600


@pytest.mark.django_db
def test_strength_decays_when_the_daily_task_runs_months_later(owner):
    contact = ContactFactory(owner=owner)
    services.log_interaction(
        owner, {"contacts": [contact], "occurred_on": timezone.localdate(), "kind": "coffee"}
    )
    contact.refresh_from_db()
    fresh = contact.strength
    with time_machine.travel(timezone.now() + timedelta(days=200)):
        tasks.recompute_strength()
    contact.refresh_from_db()
    assert 0 <= contact.strength < fresh


def _schedules(owner):
    contacts = Contact.objects.filter(owner=owner).order_by("pk")
    return (
        list(contacts.values_list("pk", "last_interaction_at", "next_follow_up_on")),
        list(FollowUp.objects.order_by("pk").values_list("pk", "status", "closed_at")),
    )


def test_owner_schedule_task_is_idempotent_and_reads_the_profile_when_it_runs(owner):
    ProfileFactory(owner=owner, time_zone="UTC", cadence_peer=30)
    peer = ContactFactory(owner=owner, tier=Tier.PEER)
    archived = ContactFactory(owner=owner, tier=Tier.PEER)
    ContactFactory(owner=owner)  # unsorted: nothing due
    InteractionFactory(owner=owner, contacts=[peer, archived], occurred_at=at(2026, 2, 1, 12))
    followups.refresh_contact_schedule([peer.pk, archived.pk])
    with time_machine.travel(at(2026, 3, 5, 7), tick=False):
        followups.scan_follow_ups()  # both were due on 3 March
        Contact.objects.filter(pk=archived.pk).update(archived=True)
        followups.refresh_contact_schedule([archived.pk])  # as archiving does: no more nagging
    # Two saves in a row queue two runs; both read the cadence saved last.
    Profile.objects.filter(owner=owner).update(cadence_peer=10)
    Profile.objects.filter(owner=owner).update(cadence_peer=40)
    with time_machine.travel(at(2026, 3, 6, 7), tick=False):
        tasks.refresh_owner_schedule.run(owner.pk)
        once = _schedules(owner)
        tasks.refresh_owner_schedule.run(owner.pk)
    assert _schedules(owner) == once
    # 40 days after 1 February: no longer due, so the scanner's untouched reminder went.
    assert Contact.objects.get(pk=peer.pk).next_follow_up_on == date(2026, 3, 13)
    assert not FollowUp.objects.filter(contact=peer).exists()
    assert FollowUp.objects.get(contact=archived).status == FollowUpStatus.DISMISSED


def test_owner_schedule_task_forgets_the_users_cached_cards(owner):
    before = fragment_cache.generation(owner.pk)
    tasks.refresh_owner_schedule.run(owner.pk)
    assert fragment_cache.generation(owner.pk) != before


def test_a_save_during_the_run_has_the_run_go_again_with_it(owner, monkeypatch):
    ProfileFactory(owner=owner, time_zone="UTC", cadence_peer=30)
    peer = ContactFactory(owner=owner, tier=Tier.PEER)
    InteractionFactory(owner=owner, contacts=[peer], occurred_at=at(2026, 2, 1, 12))
    followups.request_owner_refresh(owner.pk)
    refresh, runs = schedule._refresh_owner, []

    def saved_meanwhile(user):
        refresh(user)
        runs.append(Contact.objects.get(pk=peer.pk).next_follow_up_on)
        if len(runs) == 1:  # the user saves again while the worker is half way
            Profile.objects.filter(owner=owner).update(cadence_peer=10)
            assert not followups.request_owner_refresh(owner.pk)  # no second message

    monkeypatch.setattr(schedule, "_refresh_owner", saved_meanwhile)
    tasks.refresh_owner_schedule.run(owner.pk)
    assert runs == [date(2026, 3, 3), date(2026, 2, 11)]
    assert not ScheduleRefresh.objects.exists()


def test_a_lost_schedule_refresh_is_queued_again_by_the_follow_up_scanner(owner, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.refresh_owner_schedule, "delay", queued.append)
    other = UserFactory()
    with time_machine.travel(at(2026, 3, 6, 7), tick=False):
        followups.request_owner_refresh(owner.pk)  # its message never reached a worker
    with time_machine.travel(at(2026, 3, 6, 7, 3), tick=False):
        followups.request_owner_refresh(other.pk)
        tasks.scan_follow_ups.run()
        assert queued == []  # the worker may still be on its way
    with time_machine.travel(at(2026, 3, 6, 7, 6), tick=False):
        tasks.scan_follow_ups.run()
        assert queued == [owner.pk]
        tasks.refresh_owner_schedule.run(owner.pk)
        tasks.scan_follow_ups.run()
    assert queued == [owner.pk]
    assert list(ScheduleRefresh.objects.values_list("owner", flat=True)) == [other.pk]


def test_a_run_that_fails_leaves_the_request_for_the_scanner(owner, monkeypatch):
    followups.request_owner_refresh(owner.pk)

    def fails(user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(schedule, "_refresh_owner", fails)
    with pytest.raises(RuntimeError):
        tasks.refresh_owner_schedule.run(owner.pk)
    assert ScheduleRefresh.objects.filter(owner=owner).exists()
    later = timezone.now() + schedule.REFRESH_LOST_AFTER + timedelta(seconds=1)
    assert followups.lost_owner_refreshes(later) == [owner.pk]


def test_owner_schedule_task_for_a_deleted_user_returns_quietly():
    assert tasks.refresh_owner_schedule.run(999_999) is None
