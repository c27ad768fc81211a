"""The contacts list's rows and filters, and the contact page's dates, as the user sees them:
escaped text, dates in the user's time zone, the current filter selected."""

import datetime as dt
import re

import pytest

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from contacts.selectors import contact_list, with_row_details
from contacts.services import get_profile
from tests.factories import ContactEmailFactory, ContactFactory, InteractionFactory, TagFactory

pytestmark = pytest.mark.django_db

# What a row of the list shows, written plainly: the page's rows must read the same.
ROW_REFERENCE = """{% load l10n %}{% localize off %}{% for c in contacts %}
<tr id="contact-{{ c.pk }}">
  <td><input type="checkbox" name="ids" value="{{ c.pk }}" form="bulk-form" aria-label="Select {{ c.name }}"></td>
  <td><a href="{% url 'contacts:detail' c.pk %}">{{ c.name }}</a>{% if c.archived %} <span class="badge">archived</span>{% endif %}{% if c.primary_email %}<div class="muted small">{{ c.primary_email }}</div>{% endif %}</td>
  <td>{{ c.company }}{% if c.title %}<div class="muted small">{{ c.title }}</div>{% endif %}</td>
  <td class="col-optional"><span class="badge">{{ c.get_circle_display }}</span> <span class="muted small">{{ c.get_discipline_display }}</span></td>
  <td class="col-optional">{% for t in c.tags.all %}<span class="badge accent">{{ t.name }}</span> {% endfor %}</td>
  <td>{% if c.last_interaction_at %}{{ c.last_interaction_at|date:"j M Y" }}{% else %}<span class="muted">never</span>{% endif %}</td>
  <td>{% if c.next_follow_up_on %}{{ c.next_follow_up_on|date:"j M Y" }}{% else %}<span class="muted">—</span>{% endif %}</td>
  <td class="col-optional"><meter min="0" max="100" value="{{ c.strength }}" title="{{ c.strength|floatformat:0 }} / 100">{{ c.strength|floatformat:0 }}</meter></td>
</tr>{% endfor %}{% endlocalize %}"""

EVIL = '<script>alert("x")</script> & "quotes"'


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def _in_tokyo(owner):
    profile = get_profile(owner)
    profile.time_zone = "Asia/Tokyo"
    profile.save()


def test_list_rows_show_escaped_text_tags_first_email_and_dates_in_the_users_zone(
    owner_client, owner
):
    _in_tokyo(owner)
    ada = ContactFactory(
        owner=owner, name=f"Ada {EVIL}", company=EVIL, title=EVIL, strength=42.5,
        last_interaction_at=dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.UTC),
        next_follow_up_on=dt.date(2026, 4, 1),
    )
    ada.tags.add(TagFactory(owner=owner, name=EVIL), TagFactory(owner=owner, name="hiring"))
    ContactEmailFactory(contact=ada, email="ada@example.com")
    ContactEmailFactory(contact=ada, email="ada.second@example.com")
    ContactFactory(owner=owner, name="Bob", archived=True, strength=0)

    body = owner_client.get(reverse("contacts:list"), {"archived": "all"}).content.decode()

    rows = re.search(r"<tbody>(.*)</tbody>", body, re.DOTALL).group(1)
    with timezone.override("Asia/Tokyo"):
        contacts = with_row_details(contact_list(owner, archived="all"))
        expected = Template(ROW_REFERENCE).render(Context({"contacts": contacts}))
    assert squash(rows) == squash(expected)
    assert "19 Mar 2026" in rows and "&lt;script&gt;" in rows and "<script>" not in rows
    assert "ada.second@example.com" not in rows


def test_list_filters_select_the_current_choice_and_escape_labels(owner_client, owner):
    TagFactory(owner=owner, name="A & <b>")
    body = owner_client.get(reverse("contacts:list"), {"circle": "community"}).content.decode()
    circle = re.search(r'<select name="circle".*?</select>', body, re.DOTALL).group(0)
    assert re.search(r'<option value="community" selected>', circle)
    assert '<option value="" >' not in circle and "Any circle" in circle
    tag = re.search(r'<select name="tag" id="id_tag".*?</select>', body, re.DOTALL).group(0)
    assert '<option value="A &amp; &lt;b&gt;">A &amp; &lt;b&gt;</option>' in tag


def test_contact_page_dates_read_as_day_month_year_in_the_users_zone(owner_client, owner):
    _in_tokyo(owner)
    contact = ContactFactory(owner=owner)
    InteractionFactory(
        owner=owner, contacts=[contact],
        occurred_at=dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.UTC),
    )
    body = owner_client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "19 Mar 2026" in body and "18 Mar 2026" not in body
