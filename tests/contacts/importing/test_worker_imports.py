"""Hostile uploads through the admin and a real Celery worker (Redis, PostgreSQL): a vCard with a
5 MB photo is previewed and imported by the worker, not the web request; a worker killed in the
middle of a preview leaves a job that is shown as stalled, is tried again, and finishes; no file
is left behind."""

import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.importing.models import ImportJob, ImportStatus
from contacts.models import Contact
from tests.contacts.importing.test_hostile_uploads import photo_vcard
from tests.factories import UserFactory
from tests.interactions.test_worker import (
    _database_url_or_skip,
    _redis_url_or_skip,
    _start,
    _stop,
    _wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def job_status(job) -> str:
    job.refresh_from_db()
    return job.status


def test_the_worker_reads_hostile_files_and_a_dead_worker_is_retried(client, settings, tmp_path):
    redis_url, database_url = _redis_url_or_skip(), _database_url_or_skip()
    data_dir = tmp_path / "data"
    settings.MEDIA_ROOT = data_dir / "media"
    settings.IMPORT_STALLED_SECONDS = 3
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "NETWORK_CRM_DATA_DIR": str(data_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    user = UserFactory(username="importer", is_staff=True, is_superuser=True)
    client.force_login(user)
    args = ["worker", "--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle"]
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    worker = _start([*args, "--hostname=imports-1@%h"], env, first_log)
    second = None
    try:
        # A card with a 5 MB photo: the request stores it, the worker reads it.
        client.post(
            reverse("admin:contacts_contact_import"),
            {"file": SimpleUploadedFile("phone.vcf", photo_vcard()), "format": "auto"},
        )
        card = ImportJob.objects.get()
        _wait_for(lambda: job_status(card) == ImportStatus.PREVIEWED, "the card's preview",
                  [first_log])
        client.post(reverse("admin:contacts_contact_import_confirm", args=[card.pk]))
        _wait_for(lambda: job_status(card) == ImportStatus.DONE, "the card's import", [first_log])
        assert list(Contact.objects.values_list("name", flat=True)) == ["Ada Lovelace"]

        # A large file whose worker dies in the middle of its preview.
        lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
        lines += [
            f"Person,{i},https://www.linkedin.com/in/p{i},,Co {i % 50},EM,01 Feb 2024"
            for i in range(100_000)
        ]
        client.post(
            reverse("admin:contacts_contact_import"),
            {"file": SimpleUploadedFile("Connections.csv", "\n".join(lines).encode()),
             "format": "auto"},
        )
        big = ImportJob.objects.exclude(pk=card.pk).get()
        progress = big.side_file(".progress")
        _wait_for(lambda: progress.exists() and int(progress.read_text().split()[0]) > 0,
                  "the preview's first batch", [first_log])
        os.killpg(worker.pid, signal.SIGKILL)
        assert job_status(big) == ImportStatus.PREVIEWING, "the preview ended before the kill"
        worker.wait(timeout=10)
        time.sleep(settings.IMPORT_STALLED_SECONDS + 1)
        page = client.get(reverse("admin:contacts_contact_import_job", args=[big.pk]))
        assert "Stalled" in page.content.decode() and "Try again" in page.content.decode()
        client.post(reverse("admin:contacts_contact_import_retry", args=[big.pk]))
        second = _start([*args, "--hostname=imports-2@%h"], env, second_log)
        _wait_for(lambda: job_status(big) == ImportStatus.PREVIEWED, "the retried preview",
                  [second_log])
        assert big.report["counts"]["new"] == 100_000 and big.attempt == 2
        client.post(reverse("admin:contacts_contact_import_delete", args=[big.pk]))
        client.post(reverse("admin:contacts_contact_import_delete", args=[card.pk]))
        left = [p for p in (data_dir / "media").rglob("*") if p.is_file()]
        assert left == []
    finally:
        if worker.poll() is None:
            _stop(worker)
        if second is not None:
            assert _stop(second) == 0, second_log.read_text()[-3000:]
