"""Template helpers for pages that render many rows (the contacts list, the timeline): the same output as
Django's `date` filter and form widgets, without their per-call template machinery."""

from datetime import date

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from network_crm.row_urls import row_url as _row_url

register = template.Library()


@register.filter(expects_localtime=True)
def day_month_year(value) -> str:
    """`{{ value|date:"j M Y" }}` ("5 Mar 2026"; a datetime in the current time zone, as the
    template engine converts it) at a tenth of the cost, which shows on a page of fifty rows
    with two dates each."""
    if not isinstance(value, date):
        return ""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


@register.simple_tag
def row_url(name: str, pk, *extra) -> str:
    """`{% url name pk %}` inside a loop over many rows, reversed once per page shape
    (network_crm/row_urls.py)."""
    return _row_url(name, pk, *extra)


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
ARCHIVED = SafeString(' <span class="badge">archived</span>')
NEVER = SafeString('<span class="muted">never</span>')
NONE_YET = SafeString('<span class="muted">—</span>')


@register.simple_tag
def contact_row(contact) -> str:
    """One row of the contacts list, built in Python as the admin builds its change list's
    rows: fifty rows of a dozen template variables each were most of the page's time.
    Every value goes through format_html, so it is escaped as the template would."""
    last = contact.last_interaction_at
    follow_up = contact.next_follow_up_on
    email = contact.primary_email
    return format_html(
        CONTACT_ROW,
        pk=contact.pk,
        name=contact.name,
        url=_row_url("contacts:detail", contact.pk),
        archived=ARCHIVED if contact.archived else "",
        email=format_html('<div class="muted small">{}</div>', email) if email else "",
        company=contact.company,
        title=format_html('<div class="muted small">{}</div>', contact.title) if contact.title else "",
        circle=contact.circle_label,
        discipline=contact.discipline_label,
        tags=format_html_join(
            "", '<span class="badge accent">{}</span> ', ((t.name,) for t in contact.tag_list)
        ),
        last=day_month_year(timezone.localtime(last)) if last else NEVER,
        next=day_month_year(follow_up) if follow_up else NONE_YET,
        strength=str(contact.strength),
        score=whole(contact.strength),
    )
