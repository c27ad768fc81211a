"""The export page and its downloads under /data/export/: own data only."""

import json

import pytest
from django.urls import reverse

from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ben(owner):
    return ContactFactory(owner=owner, name="Ben Carter", company="Atlassian")


def test_export_page_links_downloads(owner_client):
    page = owner_client.get(reverse("data:export")).content.decode()
    for name in ("data:export_vcard", "data:export_csv", "data:export_json"):
        assert reverse(name) in page


@pytest.mark.parametrize(
    "name, marker",
    [
        ("data:export_vcard", "BEGIN:VCARD"),
        ("data:export_csv", "Ben Carter"),
        ("data:export_json", '"network_crm-export"'),
    ],
)
def test_export_downloads_own_data_only(owner_client, ben, stranger, name, marker):
    ContactFactory(owner=stranger, name="Someone Else")
    response = owner_client.get(reverse(name))
    body = b"".join(response.streaming_content).decode()
    assert "attachment" in response["Content-Disposition"]
    assert marker in body and "Someone Else" not in body


def test_stranger_export_does_not_contain_owners_contacts(stranger_client, ben):
    body = b"".join(stranger_client.get(reverse("data:export_json")).streaming_content)
    assert json.loads(body)["contacts"] == []


def test_csv_download_starts_with_a_byte_order_mark_so_excel_reads_accents(owner_client, owner):
    ContactFactory(owner=owner, name="Bjørn Sørensen")
    body = b"".join(owner_client.get(reverse("data:export_csv")).streaming_content)
    assert body.startswith(b"\xef\xbb\xbfName,")
    assert "Bjørn Sørensen".encode() in body
    assert body.count(b"\xef\xbb\xbf") == 1
