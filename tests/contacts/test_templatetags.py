"""contacts/templatetags/crm.py: the same output as Django's own filter and widget."""

import datetime as dt
import zoneinfo

from django import forms
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from contacts.templatetags.crm import day_month_year, select


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
