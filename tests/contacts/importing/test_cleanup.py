"""Beat's `clean-import-files`: old jobs go with their files, files that no job owns go once
they are past the grace period, and a job's own files stay while it lives."""

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from contacts.importing.cleanup import clean_import_files
from network_crm.uploads import ORPHAN_GRACE_SECONDS
from contacts.importing.models import ImportJob, ImportStatus
from contacts.tasks import clean_import_files as clean_import_files_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_job(owner, status=ImportStatus.PREVIEWED, **fields) -> ImportJob:
    job = ImportJob(owner=owner, status=status, original_name="people.csv", **fields)
    job.file.save("people.csv", ContentFile(b"Name,Email\r\n"), save=True)
    job.side_file(".preview.jsonl").write_text("{}\n")
    return job


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_files_no_job_owns_go_after_the_grace_period(owner, media_root):
    job = make_job(owner)
    folder = job.path.parent
    orphan, fresh = folder / "killed-upload.csv", folder / "being-saved.csv"
    orphan_report = folder / "gone.csv.result.jsonl.3.tmp"
    for path in (orphan, fresh, orphan_report):
        path.write_text("x")
    for path in (orphan, orphan_report, job.path, job.side_file(".preview.jsonl")):
        age(path, ORPHAN_GRACE_SECONDS + 60)
    assert clean_import_files() == (0, 2)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [job.path.name, job.side_file(".preview.jsonl").name, fresh.name]
    )
    assert clean_import_files() == (0, 0)


def test_jobs_left_alone_past_the_keep_days_go_with_their_files(owner, settings, media_root):
    old = timezone.now() - timedelta(days=settings.IMPORT_KEEP_DAYS, hours=1)
    stale = make_job(owner, status=ImportStatus.FAILED)
    ImportJob.objects.filter(pk=stale.pk).update(created_at=old, finished_at=old)
    recent = make_job(owner, status=ImportStatus.PREVIEWED)
    ImportJob.objects.filter(pk=recent.pk).update(created_at=old)  # previewed just now
    ImportJob.objects.filter(pk=recent.pk).update(finished_at=timezone.now())
    clean_import_files_task()
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not stale.path.exists() and not stale.side_file(".preview.jsonl").exists()
    assert recent.path.exists()


def test_empty_folders_are_removed(owner, media_root):
    job = make_job(owner)
    job.path.unlink()
    job.side_file(".preview.jsonl").unlink()
    job.delete()
    clean_import_files()
    assert list((media_root / "imports").iterdir()) == []
