"""The Restore page (/data/restore/): a JSON export uploaded into the signed-in user's own empty
account, restored in the request when small and by the worker otherwise; a bad, foreign or
oversized file, or a non-empty account, gets one clear message and changes nothing."""

import datetime
import json
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from contacts.models import Contact, Event
from interactions import tasks
from interactions.backup import jobs
from interactions.backup.document import export_json
from network_crm.uploads import ORPHAN_GRACE_SECONDS
from interactions.backup.models import RestoreJob, RestoreStatus
from interactions.models import Interaction
from tests.factories import ContactFactory, EventFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db

RESTORE = reverse("data:restore")


@pytest.fixture(autouse=True)
def media_of_its_own(settings, tmp_path):
    """Uploads of this test only, so that "no file is left" means this test left none."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def export_bytes(db):
    """A real export of another account: two contacts, an event with both, an interaction."""
    old = UserFactory(username="old-install")
    ada = ContactFactory(owner=old, name="Ada Lovelace")
    bob = ContactFactory(owner=old, name="Bob Sørensen", introduced_by=ada)
    EventFactory(owner=old, name="LeadDev").people_met.add(ada, bob)
    InteractionFactory(owner=old, summary="Lunch", contacts=[ada])
    return export_json(old).encode()


def upload(data: bytes, name: str = "network_crm-20261206.json") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="application/json")}


def restores_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "restores"


def files_left() -> list[Path]:
    folder = restores_folder()
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_restore_page_shows_the_form_and_its_size_limit(owner_client, settings):
    settings.RESTORE_MAX_UPLOAD_MB = 42
    page = owner_client.get(RESTORE).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert "up to 42 MB" in page
    assert reverse("data:restore") in owner_client.get(reverse("data:export")).content.decode()


def test_a_small_export_is_restored_into_the_signed_in_account_with_counts(
    owner_client, owner, export_bytes
):
    response = owner_client.post(RESTORE, upload(export_bytes))
    job = RestoreJob.objects.get(owner=owner)
    assert response.status_code == 302 and response.url == reverse("data:restore_job", args=[job.pk])
    assert job.status == RestoreStatus.DONE
    assert sorted(Contact.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "Ada Lovelace",
        "Bob Sørensen",
    ]
    bob = Contact.objects.get(owner=owner, name="Bob Sørensen")
    assert bob.introduced_by.owner == owner and bob.introduced_by.name == "Ada Lovelace"
    assert Event.objects.get(owner=owner).people_met.count() == 2
    page = owner_client.get(response.url).content.decode()
    assert "Restored" in page
    assert '<span>Contacts</span> <strong>2</strong>' in page
    assert '<span>Events</span> <strong>1</strong>' in page
    assert '<span>Interactions</span> <strong>1</strong>' in page
    assert files_left() == []  # the upload goes as soon as the job ends


def test_a_restore_writes_only_into_the_signed_in_account(
    owner_client, owner, stranger, export_bytes
):
    before = {
        "contacts": Contact.objects.exclude(owner=owner).count(),
        "interactions": Interaction.objects.exclude(owner=owner).count(),
    }
    owner_client.post(RESTORE, upload(export_bytes))
    assert Contact.objects.filter(owner=stranger).count() == 0
    assert Contact.objects.exclude(owner=owner).count() == before["contacts"]
    assert Interaction.objects.exclude(owner=owner).count() == before["interactions"]
    assert Interaction.objects.filter(owner=owner).count() == 1


def test_a_non_empty_account_is_refused_and_nothing_changes(owner_client, owner, export_bytes):
    ContactFactory(owner=owner, name="Already Here")
    page = owner_client.get(RESTORE).content.decode()
    assert "only be restored into an empty account" in page
    response = owner_client.post(RESTORE, upload(export_bytes))
    assert response.status_code == 200
    assert "only be restored into an empty account (this one has contacts)" in (
        response.content.decode()
    )
    assert list(Contact.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "Already Here"
    ]
    assert not RestoreJob.objects.exists() and files_left() == []


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n", "contacts.vcf", "not a network_crm JSON export"),
        (b'{"contacts": []}', "other.json", "not a network_crm JSON export"),
        (b"\x00\x01\x02PNG\xff\xfe" * 100, "photo.json", "not a network_crm JSON export"),
        (b"", "empty.json", "The submitted file is empty."),
    ],
)
def test_a_foreign_file_gets_one_message_and_nothing_is_kept(
    owner_client, owner, data, name, message
):
    response = owner_client.post(RESTORE, upload(data, name))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="alert"') == 1 and message in page
    assert not RestoreJob.objects.exists() and files_left() == []
    assert not Contact.objects.filter(owner=owner).exists()


def test_a_cut_export_fails_with_one_message_and_writes_nothing(owner_client, owner, export_bytes):
    response = owner_client.post(RESTORE, upload(export_bytes[: len(export_bytes) // 2]))
    job = RestoreJob.objects.get(owner=owner)
    assert job.status == RestoreStatus.FAILED
    page = owner_client.get(response.url).content.decode()
    assert page.count('role="alert"') == 1 and "This export is damaged" in page
    assert not Contact.objects.filter(owner=owner).exists() and files_left() == []


def test_an_export_with_rows_no_export_holds_fails_cleanly(owner_client, owner, export_bytes):
    document = json.loads(export_bytes)
    document["contacts"][0]["cadence_days"] = "every now and then"
    crafted = json.dumps(document).encode()
    response = owner_client.post(RESTORE, upload(crafted))
    assert response.status_code == 302
    job = RestoreJob.objects.get(owner=owner)
    assert job.status == RestoreStatus.FAILED and "could not be restored" in job.error
    assert not Contact.objects.filter(owner=owner).exists() and files_left() == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(owner_client, settings, export_bytes):
    settings.RESTORE_MAX_UPLOAD_MB = 1
    big = export_bytes + b" " * (1024 * 1024)
    response = owner_client.post(RESTORE, upload(big))
    assert "larger than 1 MB" in response.content.decode()
    assert not RestoreJob.objects.exists() and files_left() == []


def test_the_upload_needs_a_csrf_token(owner, export_bytes):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(RESTORE, upload(export_bytes)).status_code == 403
    assert not Contact.objects.filter(owner=owner).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, export_bytes):
    response = client.post(RESTORE, upload(export_bytes))
    assert response.status_code == 302 and "login" in response.url
    assert not RestoreJob.objects.exists()


# --- the worker ---------------------------------------------------------------------------


@pytest.fixture
def worker_sized(settings):
    """Every file is 'large': the request only stores it and queues the worker."""
    settings.IMPORT_SYNC_MAX_KB = 0


def test_a_large_export_is_queued_for_the_worker_and_restored_there(
    owner_client, owner, export_bytes, worker_sized, django_capture_on_commit_callbacks,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(tasks.run_restore_job, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(RESTORE, upload(export_bytes))
    job = RestoreJob.objects.get(owner=owner)
    assert queued == [(job.pk,)] and job.status == RestoreStatus.QUEUED
    assert not Contact.objects.filter(owner=owner).exists()
    page = owner_client.get(response.url).content.decode()
    assert "Waiting for the background worker" in page and "hx-trigger" in page
    assert "A restore of" in owner_client.get(RESTORE).content.decode()  # no second one

    tasks.run_restore_job(job.pk)
    job.refresh_from_db()
    assert job.status == RestoreStatus.DONE and job.counts["contacts"] == 2
    assert Contact.objects.filter(owner=owner).count() == 2 and files_left() == []
    fragment = owner_client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="restore-status"') and "hx-trigger" not in fragment
    tasks.run_restore_job(job.pk)  # a repeated message restores nothing twice
    assert Contact.objects.filter(owner=owner).count() == 2


def test_a_second_upload_while_one_is_under_way_is_refused(
    owner_client, owner, export_bytes, worker_sized
):
    owner_client.post(RESTORE, upload(export_bytes))
    response = owner_client.post(RESTORE, upload(export_bytes))
    assert "already under way" in response.content.decode()
    assert RestoreJob.objects.filter(owner=owner).count() == 1


def test_worker_progress_is_shown_and_a_silent_run_is_stalled(
    owner_client, owner, export_bytes, worker_sized, settings
):
    owner_client.post(RESTORE, upload(export_bytes))
    job = RestoreJob.objects.get(owner=owner)
    RestoreJob.objects.filter(pk=job.pk).update(status=RestoreStatus.RUNNING, started_at=job.created_at)
    job.progress_path.write_text("3 8")
    page = owner_client.get(reverse("data:restore_job", args=[job.pk])).content.decode()
    assert "3 of 8 rows written" in page and "Stalled" not in page
    settings.IMPORT_STALLED_SECONDS = 60
    old = time.time() - 120
    os.utime(job.progress_path, (old, old))
    page = owner_client.get(reverse("data:restore_job", args=[job.pk])).content.decode()
    assert "Stalled" in page and "Cancel the restore" in page


def test_cancelling_a_queued_restore_removes_the_file_and_the_worker_does_nothing(
    owner_client, owner, export_bytes, worker_sized
):
    owner_client.post(RESTORE, upload(export_bytes))
    job = RestoreJob.objects.get(owner=owner)
    response = owner_client.post(reverse("data:restore_cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == RestoreStatus.CANCELLED and files_left() == []
    tasks.run_restore_job(job.pk)
    assert not Contact.objects.filter(owner=owner).exists()
    assert "was cancelled" in owner_client.get(response.url).content.decode()


def test_a_cancel_during_the_run_undoes_everything(owner, export_bytes, worker_sized, monkeypatch):
    job = jobs.create_job(owner, SimpleUploadedFile("e.json", export_bytes))
    real = jobs._write_progress

    def cancelled_after_first_batch(job_, done, total):
        real(job_, done, total)
        if done:
            # What a cancel from the web does on disk; its UPDATE, made on this test's one
            # connection, would be rolled back with the restore, unlike a real one.
            job_.path.unlink()

    monkeypatch.setattr(jobs, "_write_progress", cancelled_after_first_batch)
    jobs.run_job(job.pk)
    assert RestoreJob.objects.get(pk=job.pk).status == RestoreStatus.RUNNING
    assert not Contact.objects.filter(owner=owner).exists()
    assert not Event.objects.filter(owner=owner).exists() and files_left() == []


@pytest.mark.parametrize("name", ["data:restore_job", "data:restore_cancel"])
def test_a_strangers_restore_is_not_found(stranger_client, owner, export_bytes, worker_sized, name):
    job = jobs.create_job(owner, SimpleUploadedFile("e.json", export_bytes))
    url = reverse(name, args=[job.pk])
    response = stranger_client.post(url) if "cancel" in name else stranger_client.get(url)
    assert response.status_code == 404
    assert RestoreJob.objects.get(pk=job.pk).status == RestoreStatus.QUEUED


def test_the_sweep_removes_orphan_files_and_forgotten_jobs(owner, export_bytes, worker_sized):
    live = jobs.create_job(owner, SimpleUploadedFile("e.json", export_bytes))
    orphan = live.path.with_name("left-by-a-killed-process.json")
    orphan.write_bytes(b"{}")
    old = time.time() - ORPHAN_GRACE_SECONDS - 60
    os.utime(orphan, (old, old))
    os.utime(live.path, (old, old))
    assert jobs.clean_restore_files() == (0, 1)
    assert live.path.exists() and not orphan.exists()
    RestoreJob.objects.filter(pk=live.pk).update(
        created_at=live.created_at - datetime.timedelta(days=settings.IMPORT_KEEP_DAYS + 1)
    )
    assert jobs.clean_restore_files() == (1, 0)
    assert RestoreJob.objects.get(pk=live.pk).status == RestoreStatus.CANCELLED
    assert files_left() == []
