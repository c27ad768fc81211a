"""The import preview in Chromium: a file with a possible duplicate, a bad cell and a column
the import does not read says each, and its rows can be filtered to the possible duplicates."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.browser.conftest import DESKTOP, RequestsInFlight, _new_page, close_when_quiet
from tests.factories import ContactFactory

pytestmark = pytest.mark.browser
WAIT = 20_000

SHEET = (
    "Vorname;Nachname;Firma;E-Mail;Telefon;Lieblingsfarbe\n"
    "Robert;Smith;Initech;bob@initech.example;+1 206 555 0100;blau\n"
    "Lena;Fischer;SAP;not-an-email;;grün;extra\n"
)


@pytest.fixture
def admin_page(chromium, live_server, owner, browser_errors):
    """A page signed in as the owner, who may use the admin (imports live there)."""
    owner.is_staff = owner.is_superuser = True
    owner.save()
    context, page = _new_page(chromium, live_server, owner, browser_errors, DESKTOP)
    requests = RequestsInFlight(page)
    yield page
    close_when_quiet(context, requests)


def test_the_preview_shows_possible_duplicates_warnings_and_unmapped_columns(
    admin_page, owner, tmp_path, browser_errors
):
    ContactFactory(owner=owner, name="Bob Smith", company="Initech")
    sheet = tmp_path / "kontakte.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page = admin_page
    page.goto("/admin/contacts/contact/import/")
    page.set_input_files('input[name="file"]', str(sheet))
    page.locator('input[type="submit"][value="Upload and preview"]').click()
    # An unknown CSV: the columns step shows sample values, mapped by their German names.
    expect(page.locator("#content-main")).to_contain_text("For example: “Robert”", timeout=WAIT)
    page.locator('input[type="submit"][value="Preview"]').click()
    expect(page.locator("#import-possible")).to_contain_text("may be someone already there",
                                                              timeout=WAIT)
    expect(page.locator("#import-unmapped")).to_contain_text("Lieblingsfarbe")
    expect(page.locator("#import-warned")).to_contain_text("1 rows are imported with a warning")
    rows = page.locator("#import-rows tbody tr")
    expect(rows.filter(has_text="Lena Fischer")).to_contain_text(
        "“not-an-email” is not an email address; left out"
    )
    page.get_by_role("link", name="See them").click()
    expect(rows).to_have_count(1, timeout=WAIT)
    expect(rows.first).to_contain_text("possibly the same person as “Bob Smith”")
    page.locator('input[type="submit"][value^="Import 2 new"]').click()
    expect(page.locator("#content-main")).to_contain_text("review the possible duplicates",
                                                          timeout=WAIT)
    assert Contact.objects.filter(owner=owner).count() == 3
    assert browser_errors == []
