"""The admin import flow (upload → preview → confirm → result) and the merge action, for a
superuser and for non-superuser staff; rows always belong to the importing user."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.importing import jobs
from contacts.importing.models import ImportJob, ImportStatus
from contacts.importing.writes import BATCH_SIZE
from contacts.models import Contact
from contacts.tasks import run_import_job
from tests.factories import ContactEmailFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(db):
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="contacts", codename__endswith="contact")
    )
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def upload(client, fixture_path, name, fmt="auto"):
    data = fixture_path(name).read_bytes()
    return client.post(
        reverse("admin:contacts_contact_import"),
        {
            "file": SimpleUploadedFile(name, data),
            "format": fmt,
        },
    )


def job_page(client, job, **params):
    return client.get(reverse("admin:contacts_contact_import_job", args=[job.pk]), params)


def confirm(client, job):
    return client.post(reverse("admin:contacts_contact_import_confirm", args=[job.pk]))


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_upload_preview_confirm_imports_rows_owned_by_importer(client, fixture_path, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = upload(client, fixture_path, "linkedin_connections.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.owner == user
    preview = job_page(client, job)
    assert "nothing has been written yet" in preview.content.decode()
    assert not Contact.objects.exists()
    confirm(client, job)
    assert Contact.objects.filter(owner=user).count() == 6
    assert Contact.objects.exclude(owner=user).count() == 0


def test_preview_lists_rows_with_status_line_and_reason(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "linkedin_connections.csv")
    page = job_page(client, ImportJob.objects.get()).content.decode()
    assert "<td>10</td><td>skipped</td><td></td><td>no name or email address</td>" in page
    assert "Priya Raman" in page


def test_preview_filters_by_status(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "linkedin_connections.csv")
    page = job_page(client, ImportJob.objects.get(), status="skipped").content.decode()
    assert "Priya Raman" not in page and "no name or email address" in page


def test_result_page_after_confirm(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "contacts_v21.vcf")
    job = ImportJob.objects.get()
    response = client.get(confirm(client, job).url)
    assert "3 new contacts" in response.content.decode()


def test_confirm_twice_imports_once(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "contacts_v21.vcf")
    job = ImportJob.objects.get()
    confirm(client, job)
    confirm(client, job)
    assert Contact.objects.count() == 3


def test_same_file_twice_through_admin_changes_nothing(client, staff, fixture_path):
    client.force_login(staff)
    for _ in range(2):
        upload(client, fixture_path, "google_contacts.csv")
        confirm(client, ImportJob.objects.latest("pk"))
    assert Contact.objects.count() == 4
    assert ImportJob.objects.latest("pk").report["counts"]["new"] == 0


def test_refused_rows_download_as_csv(client, staff, fixture_path):
    client.force_login(staff)
    mapping_url = upload(client, fixture_path, "generic_ragged.csv").url
    client.post(
        mapping_url,
        {"col_0": "name", "col_1": "email", "col_2": "company", "col_3": "notes", "col_4": "tags"},
    )
    job = ImportJob.objects.get()
    response = client.get(reverse("admin:contacts_contact_import_refused", args=[job.pk]))
    text = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == "line,status,reason,Full Name,Email,Company,Notes,Tags"
    assert "7,skipped,empty row" in text
    # A bad cell is left out with a warning; its row is imported, not refused.
    assert "Liam Jones" not in text


def test_unreadable_file_shows_one_clear_message(client, staff, fixture_path):
    client.force_login(staff)
    response = upload(client, fixture_path, "not_contacts.png")
    assert response.status_code == 200
    assert "This is not a contact file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_generic_csv_mapping_is_prefilled_from_headers(client, staff, fixture_path):
    client.force_login(staff)
    page = client.get(upload(client, fixture_path, "excel_semicolon.csv").url).content.decode()
    assert '<option value="email" selected>' in page


def test_unknown_csv_goes_through_column_mapping(client, staff, fixture_path):
    client.force_login(staff)
    response = upload(client, fixture_path, "transactions.csv", fmt="csv")
    job = ImportJob.objects.get()
    assert response.url == reverse("admin:contacts_contact_import_mapping", args=[job.pk])
    mapping_url = response.url
    refused = client.post(mapping_url, {"col_0": "", "col_1": "", "col_2": ""})
    assert "Pick at least one column" in refused.content.decode()
    client.post(mapping_url, {"col_0": "", "col_1": "", "col_2": "name"})
    job.refresh_from_db()
    assert (job.status, job.mapping, job.report["counts"]["new"]) == (
        "previewed",
        ["", "", "name"],
        2,
    )


def test_another_users_job_is_404(client, staff, fixture_path):
    other = UserFactory(username="other-staff", is_staff=True, is_superuser=True)
    client.force_login(other)
    upload(client, fixture_path, "contacts_v40.vcf")
    job = ImportJob.objects.get()
    client.force_login(staff)
    for name in ("import_job", "import_progress", "import_refused", "import_mapping"):
        assert (
            client.get(reverse(f"admin:contacts_contact_{name}", args=[job.pk])).status_code == 404
        )
    assert confirm(client, job).status_code == 404


def test_signed_out_upload_redirects_to_login(client):
    response = client.get(reverse("admin:contacts_contact_import"))
    assert response.status_code == 302 and "login" in response.url


# Two batches and part of a third: progress is written after each.
ROWS_IN_STEPS = 2 * BATCH_SIZE + 1000


def test_large_file_runs_in_task_with_progress(
    client, staff, settings, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    settings.IMPORT_SYNC_MAX_ROWS = 1000
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"Person,{i},https://www.linkedin.com/in/p{i},,Co {i % 50},EM,01 Feb 2024"
        for i in range(ROWS_IN_STEPS)
    ]
    queued = []
    monkeypatch.setattr(run_import_job, "delay", lambda *args: queued.append(args))
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:contacts_contact_import"),
            {
                "file": SimpleUploadedFile("Connections.csv", "\n".join(lines).encode()),
                "format": "auto",
            },
        )
    job = ImportJob.objects.get()
    assert (job.status, queued) == (ImportStatus.PREVIEWING, [(job.pk, False, job.attempt)])
    running = job_page(client, job).content.decode()
    assert 'hx-trigger="every 1s"' in running and "<progress" in running
    seen = []
    monkeypatch.setattr(jobs, "_write_progress", lambda j, done: seen.append(done))
    run_import_job(*queued[0])
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and job.report["counts"]["new"] == ROWS_IN_STEPS
    # Once when the worker takes the job (its first heartbeat), then after each batch.
    assert seen == [0, BATCH_SIZE, 2 * BATCH_SIZE, ROWS_IN_STEPS]
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    run_import_job(*queued[-1])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Contact.objects.filter(owner=staff).count() == ROWS_IN_STEPS


def test_progress_view_reports_running_job_and_redirects_when_done(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "contacts_v40.vcf")
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    job.side_file(".progress").write_text("1 2")
    url = reverse("admin:contacts_contact_import_progress", args=[job.pk])
    assert (
        '<progress max="2" value="1">' in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("admin:contacts_contact_import_job", args=[job.pk])


def test_repeated_task_message_for_finished_job_does_nothing(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "contacts_v40.vcf")
    job = ImportJob.objects.get()
    confirm(client, job)
    run_import_job(job.pk, True)
    assert Contact.objects.count() == 2


def test_changelist_links_to_import(client, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:contacts_contact_changelist")).content.decode()
    assert reverse("admin:contacts_contact_import") in page


def test_merge_action_redirects_to_merge_preview(client, staff):
    a = ContactFactory(owner=staff, name="Ben Carter")
    b = ContactFactory(owner=staff, name="Benjamin Carter", title="Senior EM")
    client.force_login(staff)
    response = client.post(
        reverse("admin:contacts_contact_changelist"),
        {
            "action": "merge_selected_contacts",
            "_selected_action": [a.pk, b.pk],
        },
    )
    assert response.url == reverse("admin:contacts_contact_merge", args=[a.pk, b.pk])
    preview = client.get(response.url).content.decode()
    assert "Senior EM" in preview


def test_merge_action_needs_exactly_two(client, staff):
    a = ContactFactory(owner=staff)
    client.force_login(staff)
    response = client.post(
        reverse("admin:contacts_contact_changelist"),
        {
            "action": "merge_selected_contacts",
            "_selected_action": [a.pk],
        },
        follow=True,
    )
    assert "Select exactly two contacts" in response.content.decode()


def test_admin_merge_post_merges(client, staff):
    a = ContactFactory(owner=staff, name="Ben Carter")
    b = ContactFactory(owner=staff, name="Benjamin Carter")
    ContactEmailFactory(contact=b, email="ben@example.com")
    client.force_login(staff)
    client.post(reverse("admin:contacts_contact_merge", args=[a.pk, b.pk]), {"keep": str(b.pk)})
    assert list(Contact.objects.values_list("name", flat=True)) == ["Benjamin Carter"]


def test_admin_merge_of_other_users_contacts_is_404_for_staff(client, staff, stranger):
    a = ContactFactory(owner=stranger)
    b = ContactFactory(owner=stranger)
    client.force_login(staff)
    assert client.get(reverse("admin:contacts_contact_merge", args=[a.pk, b.pk])).status_code == 404


def test_uploaded_file_is_deleted_once_imported(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "contacts_v40.vcf")
    job = ImportJob.objects.get()
    assert job.path.exists()
    confirm(client, job)
    assert not job.path.exists()
    assert job.side_file(".result.jsonl").exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_preview_page_query_count_does_not_grow_with_rows(
    client, staff, tmp_path, rows, django_assert_max_num_queries
):
    lines = ["Name,Email"] + [f"Person {i},p{i}@example.com" for i in range(rows)]
    client.force_login(staff)
    mapping_url = client.post(
        reverse("admin:contacts_contact_import"),
        {"file": SimpleUploadedFile("people.csv", "\n".join(lines).encode()), "format": "auto"},
    ).url
    client.post(mapping_url, {"col_0": "name", "col_1": "email"})
    job = ImportJob.objects.get()
    with django_assert_max_num_queries(8):
        page = job_page(client, job)
    assert page.content.decode().count("<td>new</td>") == rows


def test_failure_during_import_writes_nothing_and_is_shown(client, staff, fixture_path, monkeypatch):
    from contacts.importing.importer import Importer

    def broken_flush(self, touched):
        raise RuntimeError("database went away")

    client.force_login(staff)
    upload(client, fixture_path, "contacts_v40.vcf")
    job = ImportJob.objects.get()
    monkeypatch.setattr(Importer, "flush", broken_flush)
    page = client.get(confirm(client, job).url).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert "nothing was written" in page
    assert not Contact.objects.exists()


def test_the_import_pages_breadcrumbs_use_the_admins_own_styled_markup(client, superuser):
    """Django's admin styles `ol.breadcrumbs` (with `li` items); a bare div shows unstyled."""
    from pathlib import Path

    client.force_login(superuser)
    page = client.get(reverse("admin:contacts_contact_import")).content.decode()
    assert '<ol class="breadcrumbs">' in page and '<li aria-current="page">Import</li>' in page
    admin_templates = Path(__file__).resolve().parents[3] / "templates" / "admin"
    bare = [p.name for p in admin_templates.rglob("*.html") if 'div class="breadcrumbs"' in p.read_text()]
    assert bare == []


def test_mapping_page_shows_sample_values_of_each_column(client, staff, fixture_path):
    client.force_login(staff)
    page = client.get(upload(client, fixture_path, "generic_ragged.csv").url).content.decode()
    assert "For example: “Olivia Brown”, “Noah Wilson”, “Emma Davis”" in page
    assert "“olivia@example.com”" in page


def test_preview_lists_possible_duplicates_warnings_and_unmapped_columns(
    client, staff, fixture_path
):
    client.force_login(staff)
    ContactFactory(owner=staff, name="Tomás Álvarez", company="Globex")
    upload(client, fixture_path, "google_contacts.csv")
    upload(client, fixture_path, "linkedin_connections.csv")
    page = job_page(client, ImportJob.objects.latest("pk")).content.decode()
    assert 'id="import-possible"' in page and "possibly the same person as" in page


def test_a_file_with_nothing_new_says_so_and_offers_no_import_button(client, staff, fixture_path):
    client.force_login(staff)
    upload(client, fixture_path, "outlook_contacts.csv")
    confirm(client, ImportJob.objects.get())
    upload(client, fixture_path, "outlook_contacts.csv")
    page = job_page(client, ImportJob.objects.latest("pk")).content.decode()
    assert "Nothing new: everyone in this file is already in your contacts" in page
    assert 'value="Import 0' not in page and "Import 0" not in page


def test_an_import_in_the_worker_makes_the_users_kept_pages_out_of_date(
    client, staff, settings, fixture_path, django_capture_on_commit_callbacks, monkeypatch
):
    """It writes in bulk, without the model signals that usually do this (fragment_cache)."""
    from network_crm import fragment_cache

    settings.IMPORT_SYNC_MAX_ROWS = 1
    queued = []
    monkeypatch.setattr(run_import_job, "delay", lambda *args: queued.append(args))
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, fixture_path, "linkedin_connections.csv")
    run_import_job(*queued[-1])
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, ImportJob.objects.get())
    before = fragment_cache.generation(staff.pk)
    run_import_job(*queued[-1])
    assert ImportJob.objects.get().status == ImportStatus.DONE
    assert fragment_cache.generation(staff.pk) != before
