"""Template helpers for pages that render many rows (the contacts list, the timeline): the same
output as Django's `date` filter, form widgets and templates, without their per-call machinery.
tests/contacts/test_templatetags.py compares each with what it replaces."""

import html
from datetime import date

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from network_crm.row_urls import page_url as _page_url
from network_crm.row_urls import row_url as _row_url

register = template.Library()


@register.filter(expects_localtime=True)
def day_month_year(value) -> str:
    """`{{ value|date:"j M Y" }}` ("5 Mar 2026"; a datetime in the current time zone, as the
    template engine converts it) at a tenth of the cost, which shows on a page of fifty rows
    with two dates each."""
    if not isinstance(value, date):
        return ""
    return _day_month_year(value, get_language())


def _day_month_year(value: date, language: str) -> str:
    return f"{value.day} {_month_abbreviation(month=value.month, language=language)} {value.year}"


_months: dict[tuple[str, int], str] = {}


def _month_abbreviation(*, month: int, language: str) -> str:
    """"Mar": MONTHS_3 is lazy, and translating it anew on every date cost more than the rest."""
    key = (language, month)
    try:
        return _months[key]
    except KeyError:
        name = _months[key] = str(MONTHS_3[month]).title()
        return name


@register.simple_tag
def row_url(name: str, pk, *extra) -> str:
    """`{% url name pk %}` inside a loop over many rows, reversed once per page shape
    (network_crm/row_urls.py)."""
    return _row_url(name, pk, *extra)


@register.simple_tag
def page_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process: the links in
    every page's navigation (network_crm/row_urls.py)."""
    return _page_url(name)


@register.filter
def whole(value) -> int | str:
    """`{{ value|floatformat:0 }}` for a non-negative score: rounded half up, no locale."""
    try:
        return int(float(value) + 0.5)
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def select(field) -> str:
    """The `<select>` of a bound ChoiceField (name, id, choices, the current value selected),
    rendered in Python: the widget's templates include one template per option."""
    current = str(field.value() or "")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == current else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}">{}</select>', field.html_name, field.id_for_label, options
    )


CONTACT_ROW = """<tr id="contact-{pk}">
  <td><input type="checkbox" name="ids" value="{pk}" form="bulk-form" aria-label="Select {name}"></td>
  <td><a href="{url}">{name}</a>{archived}{email}</td>
  <td>{company}{title}</td>
  <td class="col-optional"><span class="badge">{circle}</span> <span class="muted small">{discipline}</span></td>
  <td class="col-optional">{tags}</td>
  <td>{last}</td>
  <td>{next}</td>
  <td class="col-optional"><meter min="0" max="100" value="{strength}" title="{score} / 100">{score}</meter></td>
</tr>
"""
ARCHIVED = ' <span class="badge">archived</span>'
NEVER = '<span class="muted">never</span>'
NONE_YET = '<span class="muted">—</span>'


def _escape(value) -> str:
    # What Django's escape() does (html.escape with quotes), without its lazy-string wrapper,
    # which cost more than the escaping on a page of fifty rows.
    return html.escape(str(value))


@register.simple_tag
def contact_rows(contacts) -> str:
    """The rows of the contacts list (contacts from selectors.with_row_details), built in
    Python as Django's admin builds its change list's rows: fifty rows of a dozen template
    variables each were most of the page's time, and a tag per row still cost a node's
    rendering each. Every text goes through `_escape`."""
    language = get_language()  # once: it is a context-local lookup, 100 dates a page
    rows = (_contact_row(contact, language) for contact in contacts)
    return mark_safe("".join(rows))  # noqa: S308 - every text in a row is escaped


def _contact_row(contact, language: str) -> str:
    last = contact.last_interaction_at
    follow_up = contact.next_follow_up_on
    email, title = contact.first_email, contact.title
    return CONTACT_ROW.format(
        pk=contact.pk,
        name=_escape(contact.name),
        url=_escape(_row_url("contacts:detail", contact.pk)),
        archived=ARCHIVED if contact.archived else "",
        email=f'<div class="muted small">{_escape(email)}</div>' if email else "",
        company=_escape(contact.company),
        title=f'<div class="muted small">{_escape(title)}</div>' if title else "",
        circle=_escape(contact.circle_label),
        discipline=_escape(contact.discipline_label),
        tags="".join(
            f'<span class="badge accent">{_escape(name)}</span> ' for name in contact.tag_names
        ),
        last=_day_month_year(timezone.localtime(last), language) if last else NEVER,
        next=_day_month_year(follow_up, language) if follow_up else NONE_YET,
        strength=contact.strength,
        score=whole(contact.strength),
    )
