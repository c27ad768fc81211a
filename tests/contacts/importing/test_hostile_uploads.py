"""Hostile uploads through the admin end cleanly: a clear message or a finished import, never a
500, a parse inside the web request beyond a small file, an orphan file, or a job stuck in a
state without "Try again" or "Cancel"."""

import base64
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contacts.importing import jobs
from contacts.importing.limits import MAX_COLUMNS
from contacts.importing.models import ImportJob, ImportStatus
from contacts.models import Contact
from contacts.tasks import run_import_job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff(db):
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="contacts", codename__endswith="contact")
    )
    return user


@pytest.fixture
def queued(monkeypatch):
    """The task messages the web process sends, kept here instead of going to a broker."""
    messages = []
    monkeypatch.setattr(run_import_job, "delay", lambda *args: messages.append(args))
    return messages


def files_under(media_root) -> list[str]:
    root = media_root / "imports"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(client, name: str, data: bytes, capture):
    with capture(execute=True):
        return client.post(
            reverse("admin:contacts_contact_import"),
            {"file": SimpleUploadedFile(name, data), "format": "auto"},
        )


def url(name: str, job) -> str:
    return reverse(f"admin:contacts_contact_import_{name}", args=[job.pk])


def photo_vcard(photo_bytes: int = 5 * 1024 * 1024) -> bytes:
    photo = base64.b64encode(b"\xff\xd8" * (photo_bytes // 2)).decode()
    line = "PHOTO;ENCODING=b;TYPE=JPEG:" + photo
    folded = [line[:75]] + [" " + line[i : i + 74] for i in range(75, len(line), 74)]
    card = ["BEGIN:VCARD", "VERSION:3.0", "FN:Ada Lovelace", "EMAIL:ada@example.com"]
    return ("\r\n".join([*card, *folded, "END:VCARD"]) + "\r\n").encode()


def wide_csv(columns: int) -> bytes:
    header = ["Name", "Email", *(f"Extra {i}" for i in range(columns - 2))]
    row = ["Ada Lovelace", "ada@example.com", *("x" for _ in range(columns - 2))]
    return (",".join(header) + "\r\n" + ",".join(row) + "\r\n").encode()


REFUSED_AT_UPLOAD = {
    "empty": ("empty.csv", b"", "The submitted file is empty."),
    "blank lines only": ("blank.csv", b"\r\n \r\n", "The file is empty."),
    "binary": ("photo.jpg", bytes(range(256)) * 40, "This is not a contact file"),
    "nul bytes in its first lines": (
        "contacts.csv",
        b"Name,Email\r\n" + b"Ada\x00\x00,ada@example.com\x00\r\n" * 3,
        "This is not a contact file",
    ),
    "10,000 columns": ("wide.csv", wide_csv(10_000), "This file has 10,000 columns"),
    "json": ("export.json", b'{"contacts": []}', "This is a JSON file"),
}


@pytest.mark.parametrize("shape", REFUSED_AT_UPLOAD)
def test_a_file_that_cannot_be_imported_gets_one_clear_message_and_leaves_nothing(
    client, staff, media_root, django_capture_on_commit_callbacks, shape
):
    name, data, message = REFUSED_AT_UPLOAD[shape]
    client.force_login(staff)
    response = upload(client, name, data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert files_under(media_root) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    client, staff, settings, media_root, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(staff)
    data = b"Name,Email\r\n" + b"Ada Lovelace,ada@example.com\r\n" * 40_000
    response = upload(client, "big.csv", data, django_capture_on_commit_callbacks)
    assert "The file is larger than 1 MB." in response.content.decode()
    assert files_under(media_root) == []


def test_the_column_limit_keeps_the_mapping_form_under_djangos_field_limit(
    client, staff, settings, django_capture_on_commit_callbacks
):
    assert MAX_COLUMNS + 10 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    client.force_login(staff)
    mapping = upload(client, "wide.csv", wide_csv(MAX_COLUMNS), django_capture_on_commit_callbacks)
    page = client.get(mapping.url)
    assert page.content.decode().count("<select") == MAX_COLUMNS
    form = {f"col_{i}": "" for i in range(MAX_COLUMNS)} | {"col_0": "name", "col_1": "email"}
    assert client.post(mapping.url, form).status_code == 302
    assert ImportJob.objects.get().status == ImportStatus.PREVIEWED


def test_a_vcard_with_a_5_mb_photo_is_read_by_the_worker_and_imports(
    client, staff, media_root, queued, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    upload(client, "contacts.vcf", photo_vcard(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    # The web request stored the file and queued the preview; it parsed nothing.
    assert (job.status, queued) == (ImportStatus.PREVIEWING, [(job.pk, False, 1)])
    page = client.get(url("job", job)).content.decode()
    assert "Cancel the import" in page and 'hx-trigger="every 1s"' in page
    run_import_job(*queued.pop())
    job.refresh_from_db()
    assert (job.status, job.report["counts"]["new"]) == (ImportStatus.PREVIEWED, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("confirm", job))
    run_import_job(*queued.pop())
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ada Lovelace"]
    assert files_under(media_root) == [job.side_file(".result.jsonl").name]


def test_a_20_mb_cell_is_one_refused_row_with_its_reason_and_the_rest_imports(
    client, staff, media_root, queued, django_capture_on_commit_callbacks
):
    data = (
        b'Name,Email,Notes\r\nAda,ada@example.com,"' + b"x" * (20 * 1024 * 1024) + b'"\r\n'
        b"Bob Stone,bob@example.com,short\r\n"
    )
    client.force_login(staff)
    mapping = upload(client, "notes.csv", data, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(mapping.url, {"col_0": "name", "col_1": "email", "col_2": "notes"})
    job = ImportJob.objects.get()
    run_import_job(*queued.pop())
    job.refresh_from_db()
    assert (job.report["counts"]["new"], job.report["counts"]["error"]) == (1, 1)
    page = client.get(url("job", job), {"status": "error"}).content.decode()
    assert "a cell is longer than 1 MB" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("confirm", job))
    run_import_job(*queued.pop())
    assert list(Contact.objects.values_list("name", flat=True)) == ["Bob Stone"]


def test_nul_bytes_deep_in_a_file_are_dropped_from_their_cells(
    client, staff, django_capture_on_commit_callbacks
):
    data = b"Name,Email\r\n" + b"".join(
        b"Person %d,p%d@example.com\r\n" % (i, i) for i in range(40)
    ) + b"Gr\x00ace Hopper,grace\x00@navy.example\r\n"
    client.force_login(staff)
    mapping = upload(client, "people.csv", data, django_capture_on_commit_callbacks)
    client.post(mapping.url, {"col_0": "name", "col_1": "email"})
    client.post(url("confirm", ImportJob.objects.get()))
    grace = Contact.objects.get(name="Grace Hopper")
    assert list(grace.emails.values_list("email", flat=True)) == ["grace@navy.example"]


def test_a_file_in_the_windows_code_page_imports_its_accents(
    client, staff, django_capture_on_commit_callbacks
):
    data = "Name,Email\r\nMette Sørensen,mette@example.com\r\n".encode("cp1252")
    client.force_login(staff)
    mapping = upload(client, "latin.csv", data, django_capture_on_commit_callbacks)
    client.post(mapping.url, {"col_0": "name", "col_1": "email"})
    client.post(url("confirm", ImportJob.objects.get()))
    assert list(Contact.objects.values_list("name", flat=True)) == ["Mette Sørensen"]


def test_a_file_past_the_row_limit_fails_with_the_limit_and_can_be_deleted(
    client, staff, settings, media_root, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_ROWS = 10
    data = "Name,Email\r\n" + "".join(f"P{i},p{i}@example.com\r\n" for i in range(30))
    client.force_login(staff)
    mapping = upload(client, "rows.csv", data.encode(), django_capture_on_commit_callbacks)
    client.post(mapping.url, {"col_0": "name", "col_1": "email"})
    job = ImportJob.objects.get()
    page = client.get(url("job", job)).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "one import reads at most 10" in page and "Delete this import" in page
    client.post(url("delete", job))
    assert not ImportJob.objects.exists() and files_under(media_root) == []


# --- every state has a way on ------------------------------------------------------------


def previewed_job(client, staff, django_capture_on_commit_callbacks) -> ImportJob:
    client.force_login(staff)
    data = b"Name,Email\r\nAda Lovelace,ada@example.com\r\n"
    mapping = upload(client, "people.csv", data, django_capture_on_commit_callbacks)
    client.post(mapping.url, {"col_0": "name", "col_1": "email"})
    return ImportJob.objects.get()


def test_cancelling_a_preview_removes_its_files_and_writes_nothing(
    client, staff, media_root, django_capture_on_commit_callbacks
):
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    assert "Cancel the import" in client.get(url("job", job)).content.decode()
    assert files_under(media_root)
    page = client.post(url("cancel", job), follow=True).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and "was cancelled" in page
    assert files_under(media_root) == [] and not Contact.objects.exists()
    assert client.post(url("confirm", job)).status_code == 302
    assert not Contact.objects.exists()


def test_a_run_cancelled_while_queued_stops_and_leaves_no_file(
    client, staff, media_root, queued, settings, django_capture_on_commit_callbacks
):
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    settings.IMPORT_SYNC_MAX_ROWS = 1  # the import goes to the worker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("confirm", job))
    client.post(url("cancel", job))
    run_import_job(*queued.pop())
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert files_under(media_root) == [] and not Contact.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: the cancel waits for the import's transaction",
)
@pytest.mark.django_db(transaction=True)
def test_a_run_stops_at_its_next_batch_once_cancelled(
    client, staff, media_root, queued, settings, monkeypatch, django_capture_on_commit_callbacks
):
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    settings.IMPORT_SYNC_MAX_ROWS = 1  # the import goes to the worker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("confirm", job))
    real_checkpoint = jobs._checkpoint

    def cancelled_during_the_batch(job, done):
        if done:  # from a web process: another connection, outside the import's transaction
            def cancel():
                jobs.cancel(ImportJob.objects.get(pk=job.pk))
                connection.close()

            web = threading.Thread(target=cancel)
            web.start()
            web.join()
        real_checkpoint(job, done)

    monkeypatch.setattr(jobs, "_checkpoint", cancelled_during_the_batch)
    run_import_job(*queued.pop())
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert files_under(media_root) == [] and not Contact.objects.exists()


def test_a_failed_preview_can_be_tried_again(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    real_run = jobs.run_import
    monkeypatch.setattr(jobs, "run_import", lambda *a, **k: 1 / 0)
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    page = client.get(url("job", job)).content.decode()
    assert "unexpected error" in page and "Try again" in page and "Delete this import" in page
    monkeypatch.setattr(jobs, "run_import", real_run)
    client.post(url("retry", job))
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportStatus.PREVIEWED, 2)


def test_a_job_whose_worker_died_is_shown_stalled_and_runs_again_once(
    client, staff, media_root, queued, settings, django_capture_on_commit_callbacks
):
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    settings.IMPORT_SYNC_MAX_ROWS = 1  # the import goes to the worker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("confirm", job))
    lost = queued.pop()  # its worker was killed before it finished
    assert "Stalled" not in client.get(url("job", job)).content.decode()
    assert client.post(url("retry", job), follow=True).status_code == 200
    assert queued == []  # still within the heartbeat: not tried again
    later = timezone.now() + timedelta(seconds=settings.IMPORT_STALLED_SECONDS + 60)
    with time_machine.travel(later):
        progress = client.get(url("progress", job), HTTP_HX_REQUEST="true").content.decode()
        assert "Stalled" in progress and "Try again" in progress
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("retry", job))
    job.refresh_from_db()
    assert (job.status, queued) == (ImportStatus.IMPORTING, [(job.pk, True, 3)])
    run_import_job(*lost)  # redelivered late: an earlier attempt does nothing
    assert not Contact.objects.exists()
    run_import_job(*queued.pop())
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Contact.objects.count() == 1
    assert files_under(media_root) == [job.side_file(".result.jsonl").name]


def test_a_finished_import_report_can_be_deleted(
    client, staff, media_root, django_capture_on_commit_callbacks
):
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    client.post(url("confirm", job))
    assert "Delete the report now" in client.get(url("job", job)).content.decode()
    client.post(url("delete", job))
    assert not ImportJob.objects.exists() and files_under(media_root) == []
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("action", ["retry", "cancel", "delete"])
def test_job_actions_are_owner_scoped_and_post_only(
    client, staff, stranger, action, django_capture_on_commit_callbacks
):
    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    assert client.get(url(action, job)).status_code == 405
    stranger.is_staff = True
    stranger.save()
    stranger.user_permissions.set(staff.user_permissions.all())
    client.force_login(stranger)
    assert client.post(url(action, job)).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.path.exists()


def test_job_actions_need_the_csrf_token(client, staff, django_capture_on_commit_callbacks):
    from django.test import Client

    job = previewed_job(client, staff, django_capture_on_commit_callbacks)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(staff)
    assert guarded.post(url("cancel", job)).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
