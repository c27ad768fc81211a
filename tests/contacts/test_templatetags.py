"""contacts/templatetags/crm.py: the same output as Django's own filter and widget."""

import datetime as dt
import re
import zoneinfo

import pytest

from django import forms
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from contacts.selectors import contact_list, with_row_details
from contacts.templatetags.crm import day_month_year, select
from tests.factories import ContactEmailFactory, ContactFactory, TagFactory


def test_day_month_year_matches_djangos_date_filter():
    for value in (dt.date(2026, 3, 5), dt.date(2026, 12, 31), dt.datetime(2026, 1, 9, 8, 0)):
        assert day_month_year(value) == date_filter(value, "j M Y")


def test_day_month_year_shows_an_aware_datetime_in_the_current_zone():
    moment = dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.UTC)
    template = Template('{% load crm %}{{ moment|day_month_year }}|{{ moment|date:"j M Y" }}')
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert template.render(Context({"moment": moment})) == "19 Mar 2026|19 Mar 2026"
    assert day_month_year(None) == "" and day_month_year("") == ""


class Choices(forms.Form):
    pick = forms.ChoiceField(choices=[("", "Any"), ("a", "A & <b>"), ("b", "B")], required=False)


def test_select_marks_the_current_choice_and_escapes_labels():
    html = select(Choices({"pick": "b"})["pick"])
    assert html.startswith('<select name="pick" id="id_pick">')
    assert '<option value="b" selected>B</option>' in html
    assert '<option value="a">A &amp; &lt;b&gt;</option>' in html
    assert '<option value="">Any</option>' in html
    assert "selected" not in select(Choices({})["pick"]).replace('value="" selected', "")


def test_whole_rounds_like_floatformat_zero():
    from django.template.defaultfilters import floatformat

    from contacts.templatetags.crm import whole

    for value in (0, 0.4, 0.5, 2.5, 49.99, 100.0):
        assert str(whole(value)) == floatformat(value, 0), value
    assert whole(None) == ""


def test_row_url_matches_reverse_for_every_id_and_extra_argument():
    from django.urls import reverse

    template = Template(
        "{% load crm %}{% row_url 'contacts:detail' pk %}|"
        "{% row_url 'interactions:quick_log' pk 'thanked' %}"
    )
    for pk in (1, 42, 999_999_999, 1_000_000_007):
        assert template.render(Context({"pk": pk})) == (
            f"{reverse('contacts:detail', args=[pk])}|"
            f"{reverse('interactions:quick_log', args=[pk, 'thanked'])}"
        )


def test_row_url_follows_the_script_prefix_of_the_request():
    from django.urls import get_script_prefix, set_script_prefix

    from network_crm.row_urls import row_url

    before = get_script_prefix()
    try:
        set_script_prefix("/crm/")
        assert row_url("contacts:detail", 7) == "/crm/contacts/7/"
    finally:
        set_script_prefix(before)
    assert row_url("contacts:detail", 7) == f"{before}contacts/7/"


# The contacts list's row as a template (what contact_rows replaced), the reference it must match.
ROW_TEMPLATE = """{% load l10n %}{% localize off %}{% for c in contacts %}
<tr id="contact-{{ c.pk }}">
  <td><input type="checkbox" name="ids" value="{{ c.pk }}" form="bulk-form" aria-label="Select {{ c.name }}"></td>
  <td><a href="{% url 'contacts:detail' c.pk %}">{{ c.name }}</a>{% if c.archived %} <span class="badge">archived</span>{% endif %}{% if c.primary_email %}<div class="muted small">{{ c.primary_email }}</div>{% endif %}</td>
  <td>{{ c.company }}{% if c.title %}<div class="muted small">{{ c.title }}</div>{% endif %}</td>
  <td class="col-optional"><span class="badge">{{ c.circle_label }}</span> <span class="muted small">{{ c.discipline_label }}</span></td>
  <td class="col-optional">{% for t in c.tags.all %}<span class="badge accent">{{ t.name }}</span> {% endfor %}</td>
  <td>{% if c.last_interaction_at %}{{ c.last_interaction_at|date:"j M Y" }}{% else %}<span class="muted">never</span>{% endif %}</td>
  <td>{% if c.next_follow_up_on %}{{ c.next_follow_up_on|date:"j M Y" }}{% else %}<span class="muted">—</span>{% endif %}</td>
  <td class="col-optional"><meter min="0" max="100" value="{{ c.strength }}" title="{{ c.strength|floatformat:0 }} / 100">{{ c.strength|floatformat:0 }}</meter></td>
</tr>{% endfor %}{% endlocalize %}"""


@pytest.mark.django_db
def test_contact_rows_match_the_template_they_replaced(owner):
    evil = '<script>alert("x")</script> & "quotes"'
    a = ContactFactory(
        owner=owner, name=f"Ada {evil}", company=evil, title=evil, strength=42.5,
        last_interaction_at=dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.UTC),
        next_follow_up_on=dt.date(2026, 4, 1),
    )
    a.tags.add(TagFactory(owner=owner, name=evil), TagFactory(owner=owner, name="hiring"))
    ContactEmailFactory(contact=a, email="ada@example.com")
    ContactEmailFactory(contact=a, email="ada.second@example.com")
    ContactFactory(owner=owner, name="Bob", archived=True, strength=0)
    contacts = with_row_details(contact_list(owner, archived="all"))
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        expected = Template(ROW_TEMPLATE).render(Context({"contacts": contacts}))
        ours = Template("{% load crm %}{% contact_rows contacts %}").render(
            Context({"contacts": contacts})
        )

    def squash(html):
        return re.sub(r">\s+<", "><", html).strip()

    assert squash(ours) == squash(expected)
    assert "19 Mar 2026" in ours and "&lt;script&gt;" in ours and "<script>" not in ours


@pytest.mark.parametrize("name", ["dashboard", "contacts:list", "settings", "logout"])
def test_page_url_is_what_the_url_tag_gives(name):
    context = Context({"name": name})
    ours = Template("{% load crm %}{% page_url name %}").render(context)
    assert ours == Template("{% url name %}").render(context)


def test_page_url_follows_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    try:
        set_script_prefix("/crm/")
        assert Template("{% load crm %}{% page_url 'dashboard' %}").render(Context()) == "/crm/"
    finally:
        set_script_prefix(before)
    assert Template("{% load crm %}{% page_url 'dashboard' %}").render(Context()) == "/"
