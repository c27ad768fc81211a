"""The digest email's list rows in both parts: every kind of row, escaped in the HTML part and
plain in the text part, dates in the active language (the loops below are the reference)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, engines
from django.utils.translation import override

from contacts.models import Contact, Event
from interactions.digests.message import render_digest_message
from interactions.models import Direction, FollowUp, Support

TODAY = date(2026, 3, 30)
HOSTILE = "<script>alert(\"x\")</script> & 'co'"

# What each list of templates/emails/digest-body.html and .txt shows, "|" between the lists.
HTML_LOOPS = """{% for item in reach_out %}<div class="i"><a class="n" href="{{ item.contact_url }}">{{ item.contact.display_name }}</a>{% if item.contact.company %} <span class="m">· {{ item.contact.company }}</span>{% endif %}<br>
<span class="r">{{ item.reason }}{% if item.overdue_days > 0 %} · <span class="o">{{ item.overdue_days }} day{{ item.overdue_days|pluralize }} overdue</span>{% elif item.overdue_days < 0 %} · due {{ item.follow_up.due_on|date:"l" }}{% endif %}</span>{% if item.done_url %}<br>
<span class="x"><a href="{{ item.done_url }}">Mark done</a> · <a href="{{ item.snooze_url }}">Snooze a week</a></span>{% endif %}</div>
{% endfor %}|{% for support in promises_mine %}<div class="l">You → <strong>{{ support.contact.display_name }}</strong>: {{ support }} <span class="m">(offered {{ support.offered_on|date:"j M" }}{% if support.due_on %}, due {{ support.due_on|date:"j M" }}{% endif %})</span></div>
{% endfor %}{% for support in promises_theirs %}<div class="l"><strong>{{ support.contact.display_name }}</strong> → you ({{ support.get_direction_display|lower }}): {{ support }} <span class="m">(since {{ support.offered_on|date:"j M" }})</span></div>
{% endfor %}|{% for event in events %}<div class="l"><strong>{{ event.name }}</strong>, {{ event.starts_on|date:"D j M" }}{% if event.ends_on and event.ends_on != event.starts_on %}–{{ event.ends_on|date:"D j M" }}{% endif %}{% if event.place %}, {{ event.place }}{% endif %}</div>
{% endfor %}|{{ today|date:"l j F" }} – {{ week_end|date:"l j F" }}|{{ stats.touches_7d }} touch{{ stats.touches_7d|pluralize:"es" }} in the last 7 days · {{ stats.gives_done_30d }} give{{ stats.gives_done_30d|pluralize }} delivered in 30 days · {{ stats.open_follow_ups }} open follow-up{{ stats.open_follow_ups|pluralize }} · {{ stats.contacts }} active contact{{ stats.contacts|pluralize }}"""
TEXT_LOOPS = """{% autoescape off %}{% for item in reach_out %}
- {{ item.contact.display_name }}{% if item.contact.company %} ({{ item.contact.company }}){% endif %}: {{ item.reason }}{% if item.overdue_days > 0 %} · {{ item.overdue_days }} day{{ item.overdue_days|pluralize }} overdue{% elif item.overdue_days < 0 %} · due {{ item.follow_up.due_on|date:"l" }}{% endif %}
  Open: {{ item.contact_url }}{% if item.done_url %}
  Done: {{ item.done_url }}
  Snooze a week: {{ item.snooze_url }}{% endif %}
{% endfor %}|{% for support in promises_mine %}- You → {{ support.contact.display_name }}: {{ support }} (offered {{ support.offered_on|date:"j M" }}{% if support.due_on %}, due {{ support.due_on|date:"j M" }}{% endif %})
{% endfor %}{% for support in promises_theirs %}- {{ support.contact.display_name }} → you ({{ support.get_direction_display|lower }}): {{ support }} (since {{ support.offered_on|date:"j M" }})
{% endfor %}|{% for event in events %}- {{ event.name }}, {{ event.starts_on|date:"D j M" }}{% if event.ends_on and event.ends_on != event.starts_on %}–{{ event.ends_on|date:"D j M" }}{% endif %}{% if event.place %}, {{ event.place }}{% endif %}
{% endfor %}|{{ today|date:"l j F" }} – {{ week_end|date:"l j F" }}|{{ stats.touches_7d }} touch{{ stats.touches_7d|pluralize:"es" }} in the last 7 days · {{ stats.gives_done_30d }} give{{ stats.gives_done_30d|pluralize }} delivered in 30 days · {{ stats.open_follow_ups }} open follow-up{{ stats.open_follow_ups|pluralize }} · {{ stats.contacts }} active contact{{ stats.contacts|pluralize }}{% endautoescape %}"""


def reach_out_item(contact, overdue_days: int, *, links: bool) -> dict:
    url = f"https://crm.example/contacts/{contact.pk}/?a=1&b=<2>"
    item = {
        "follow_up": FollowUp(due_on=TODAY - timedelta(days=overdue_days)),
        "contact": contact,
        "reason": f"you promised: {HOSTILE}",
        "overdue_days": overdue_days,
        "contact_url": url,
    }
    if links:
        item["done_url"], item["snooze_url"] = f"{url}&done", f"{url}&snooze"
    return item


@pytest.fixture
def context() -> dict:
    """A digest's context with every kind of row: hostile texts, with and without a company,
    overdue by one and many days, due today and later, with and without action links,
    promises with and without a due date or a description, one-day and longer events."""
    hostile = Contact(pk=1, name=HOSTILE, company=HOSTILE)
    plain = Contact(pk=2, name="Grace Hopper", preferred_name="Amazing Grace", company="")
    return {
        "today": TODAY,
        "week_end": TODAY + timedelta(days=6),
        "reach_out": [
            reach_out_item(hostile, 12, links=True),
            reach_out_item(plain, 1, links=True),
            reach_out_item(hostile, 0, links=False),
            reach_out_item(plain, -4, links=True),
        ],
        "promises_mine": [
            Support(contact=hostile, description=HOSTILE, offered_on=TODAY, due_on=None),
            Support(contact=plain, offered_on=date(2026, 1, 5), due_on=date(2026, 4, 2)),
        ],
        "promises_theirs": [
            Support(contact=plain, direction=Direction.RECEIVED, description="An intro"),
            Support(contact=hostile, direction=Direction.ASK, description=HOSTILE),
        ],
        "events": [
            Event(name=HOSTILE, starts_on=TODAY, place=HOSTILE),
            Event(name="KubeCon EU", starts_on=date(2026, 4, 10), ends_on=date(2026, 4, 12)),
            Event(name="Meetup", starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 1)),
        ],
        "stats": {"touches_7d": 1, "gives_done_30d": 0, "open_follow_ups": 2, "contacts": 1},
        "reach_out_total": 4,
        "person": None,
        "site_url": "https://crm.example",
        "settings_url": "https://crm.example/settings/",
        "unsubscribe_url": "https://crm.example/digest/unsubscribe/token/",
    }


def rendered(context: dict, part: str) -> str:
    owner = get_user_model()(pk=7, username="ada", email="ada@example.com")
    message = render_digest_message(owner, context)
    return message.body if part == "text" else message.alternatives[0].content


def rows(context: dict, part: str) -> str:
    """The reference's lists, the week and the numbers, each checked to be in the email's part."""
    body = rendered(context, part)
    template = HTML_LOOPS if part == "html" else TEXT_LOOPS
    expected = loops(template, context).split("|")
    for piece in expected:
        assert piece in body
    return "|".join(expected)


def loops(template: str, context: dict) -> str:
    return engines["django"].from_string(template).template.render(Context(context))


def test_the_html_part_shows_every_row_escaped(context):
    rows(context, "html")
    assert "<script>" not in rendered(context, "html")
    assert "&lt;script&gt;" in rendered(context, "html")


def test_the_text_part_shows_every_row_as_plain_text(context):
    rows(context, "text")
    assert HOSTILE in rendered(context, "text")


def test_the_dates_follow_the_active_language(context):
    english = rendered(context, "text")
    with override("de"):
        rows(context, "text")
        german = rendered(context, "text")
    assert "Monday 30 March" in english and "Montag 30 März" in german


def test_empty_lists_say_so_in_both_parts(context):
    context.update(reach_out=[], promises_mine=[], promises_theirs=[], events=[])
    html, text = rendered(context, "html"), rendered(context, "text")
    for body in (html, text):
        assert "Nobody is due this week" in body
        assert "No open promises either way." in body
        assert "None in the next three weeks." in body
    assert '<div class="i">' not in html and "\n- " not in text
