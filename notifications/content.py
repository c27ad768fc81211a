"""What a nudge says: who to reach out to today (or this week) and why, with links, read
through interactions' follow-up selectors (the same list the dashboard and the digest show).
Rendered from templates/notifications/: a title, a text body for chat apps and webhooks, and a
short body for a push notification."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.template.loader import render_to_string
from django.urls import reverse

from interactions.digests.schedule import profile_of
from interactions.digests.tokens import absolute_url, contact_url_filler
from interactions.followups import local_today
from interactions.models import FollowUp
from interactions.followups.selectors import (
    due_by_owner,
    follow_up_reason_text,
    open_follow_ups_by_owner,
)

from .models import Frequency

# A chat message stays readable; the rest is one link away. A push payload must stay under
# 4 KB, so a notification names fewer.
MAX_ITEMS = 10
MAX_PUSH_NAMES = 5


@dataclass(frozen=True)
class NudgeMessage:
    title: str
    body: str  # plain text with full links: chat apps and webhooks (Apprise)
    push_body: str  # a few names on a line or two: the notification
    url: str  # where a click on the notification goes
    items: int  # follow-ups due in all (the message lists at most MAX_ITEMS)


def due_until(frequency: str, today: date, period: date) -> date:
    """The last due date a nudge covers: today, or the last day of its week."""
    return period + timedelta(days=6) if frequency == Frequency.WEEKLY else today


def count_due(owner_id: int, until: date) -> int:
    """Open follow-ups of the user due on or before `until` (the digest's rule)."""
    return FollowUp.objects.filter(due_by_owner({owner_id: until})).count()


def build_nudge(
    owner, frequency: str, period: date, now: datetime, *, test: bool = False
) -> NudgeMessage:
    """The nudge of `owner` (a user loaded with select_related("profile")) for the period that
    contains `now`: three queries."""
    profile = profile_of(owner)
    today = local_today(profile, now)
    until = due_until(frequency, today, period)
    due = open_follow_ups_by_owner({owner.pk: until}, MAX_ITEMS)[owner.pk]
    total = count_due(owner.pk, until) if len(due) == MAX_ITEMS else len(due)
    contact_url = contact_url_filler()
    people = [
        {
            "name": follow_up.contact.display_name,
            "company": follow_up.contact.company,
            "reason": follow_up_reason_text(follow_up, today, profile=profile),
            "overdue_days": (today - follow_up.due_on).days,
            "url": contact_url(follow_up.contact_id),
        }
        for follow_up in due
    ]
    context = {
        "people": people,
        "total": total,
        "more": total - len(people),
        "weekly": frequency == Frequency.WEEKLY,
        "today": today,
        "test": test,
        "dashboard_url": absolute_url(reverse("dashboard")),
        "settings_url": absolute_url(reverse("notifications:settings")),
        "push_names": [person["name"] for person in people[:MAX_PUSH_NAMES]],
        "push_more": total - min(len(people), MAX_PUSH_NAMES),
    }

    def render(name: str) -> str:
        return render_to_string(f"notifications/{name}", context).strip()

    return NudgeMessage(
        title=" ".join(render("nudge-title.txt").split()),
        body=render("nudge-body.txt"),
        push_body=render("nudge-push.txt"),
        url=context["dashboard_url"],
        items=total,
    )
