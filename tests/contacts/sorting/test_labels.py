"""Everything that shows circle, discipline or tier says "Not set" for an unsorted contact."""

import pytest
from django.urls import reverse

from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def uma(owner):
    return ContactFactory(owner=owner, name="Unsorted Uma", circle="", discipline="", tier="")


def test_the_contact_page_shows_not_set_and_no_cadence(owner_client, uma):
    html = owner_client.get(reverse("contacts:detail", args=[uma.pk])).content.decode()
    assert html.count('<span class="badge">Not set</span>') == 3
    assert "none until a tier is set" in html


def test_the_edit_form_offers_not_set_selected(owner_client, uma):
    html = owner_client.get(reverse("contacts:edit", args=[uma.pk])).content.decode()
    assert html.count('<option value="" selected>Not set</option>') == 3
    assert "---------" not in html


def test_the_network_map_legend_and_table_say_not_set(owner_client, uma):
    assert "Not set" in owner_client.get("/network/").content.decode()
    table = owner_client.get("/network/table/").content.decode()
    assert "Unsorted Uma" in table and "<td>Not set</td>" in table
