"""Moving an account in Chromium: a real JSON export of one account (export_json) uploaded on
the Restore page of an empty account shows what was restored, and the restored people are
there; a large file is restored by the worker while the page polls its progress."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from interactions import tasks
from interactions.backup import jobs
from interactions.backup.document import export_json
from interactions.backup.models import RestoreJob
from tests.factories import ContactFactory, EventFactory, UserFactory

pytestmark = pytest.mark.browser
WAIT = 20_000


@pytest.fixture
def export_file(tmp_path, db):
    old = UserFactory(username="old-install")
    ada = ContactFactory(owner=old, name="Ada Lovelace", company="Analytical Engines")
    bob = ContactFactory(owner=old, name="Bob Sørensen", introduced_by=ada)
    EventFactory(owner=old, name="LeadDev").people_met.add(ada, bob)
    path = tmp_path / "network_crm-20261206.json"
    path.write_text(export_json(old), encoding="utf-8")
    return path


def test_an_export_uploaded_on_the_restore_page_brings_the_people_back(
    owner_page, owner, export_file, browser_errors
):
    page = owner_page
    page.goto("/data/export/")
    page.get_by_role("link", name="Restore a JSON export").click()
    expect(page.locator("h1")).to_have_text("Restore a backup", timeout=WAIT)
    page.set_input_files('input[name="file"]', str(export_file))
    page.get_by_role("button", name="Restore").click()
    counts = page.locator("#restore-counts")
    expect(counts.locator("li", has_text="Contacts")).to_contain_text("2", timeout=WAIT)
    expect(counts.locator("li", has_text="Events")).to_contain_text("1")
    page.get_by_role("link", name="See your contacts").click()
    expect(page.get_by_role("link", name="Bob Sørensen")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    assert Contact.objects.filter(owner=owner).count() == 2
    assert browser_errors == []


def test_a_large_export_shows_its_progress_until_the_worker_has_restored_it(
    owner_page, owner, export_file, browser_errors, settings, monkeypatch
):
    settings.IMPORT_SYNC_MAX_KB = 0  # every file goes to the worker
    monkeypatch.setattr(tasks.run_restore_job, "delay", lambda *args: None)
    page = owner_page
    page.goto("/data/restore/")
    page.set_input_files('input[name="file"]', str(export_file))
    page.get_by_role("button", name="Restore").click()
    status = page.locator("#restore-status")
    expect(status).to_contain_text("Waiting for the background worker", timeout=WAIT)
    jobs.run_job(RestoreJob.objects.get(owner=owner).pk)  # the worker, here
    # The page polls and shows the result without a reload.
    expect(page.locator("#restore-counts li", has_text="Contacts")).to_contain_text(
        "2", timeout=WAIT
    )
    assert browser_errors == []
