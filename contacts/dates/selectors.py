"""Reads of important dates: the days coming up for the dashboard's Upcoming, the weekly digest
and the calendar feed."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from .models import ImportantDate


@dataclass(frozen=True)
class UpcomingDate:
    """An important date on the day it next falls."""

    on: date
    important_date: ImportantDate

    @property
    def contact(self):
        return self.important_date.contact

    @property
    def text(self) -> str:
        """"Birthday (turns 40)" as of that day."""
        return self.important_date.describe_on(self.on)


def _days_between(start: date, end: date) -> Q:
    """Month-and-day ranges covering start..end (at most a year), 29 February included where
    it falls on the 28th."""
    q = Q()
    day = start
    while day <= end:
        last_of_month = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        until = min(end, last_of_month)
        top = until.day
        if day.month == 2 and until.day == 28:
            top = 29  # shown on the 28th in a year without a 29th
        q |= Q(month=day.month, day__gte=day.day, day__lte=top)
        day = until + timedelta(days=1)
    return q


def upcoming_dates(owner, today: date, days: int, *, limit: int | None = None) -> list[UpcomingDate]:
    """The owner's important dates of active contacts falling in the `days` days from today,
    soonest first: one query, whatever the number of dates (index importantdate_owner_day)."""
    end = today + timedelta(days=min(days, 365) - 1)
    rows = (
        ImportantDate.objects.filter(_days_between(today, end), owner=owner)
        .filter(contact__archived=False)
        .select_related("contact")
        .only(
            "kind", "label", "month", "day", "year", "yearly", "contact_id",
            "contact__name", "contact__preferred_name", "contact__owner_id",
        )
    )
    found = []
    for row in rows:
        on = row.next_on(today)
        if on is not None and on <= end:
            found.append(UpcomingDate(on, row))
    found.sort(key=lambda u: (u.on, u.contact.display_name.lower(), u.important_date.pk))
    return found[:limit] if limit is not None else found


def upcoming_dates_by_owner(owner_ids, today_by_owner: dict, days: int) -> dict[int, list]:
    """upcoming_dates for many owners (the digest's batch) in one query."""
    by_owner = {owner_id: [] for owner_id in owner_ids}
    if not by_owner:
        return by_owner
    q = Q()
    for owner_id in by_owner:
        today = today_by_owner[owner_id]
        q |= Q(owner_id=owner_id) & _days_between(today, today + timedelta(days=days - 1))
    rows = (
        ImportantDate.objects.filter(q, contact__archived=False)
        .select_related("contact")
        .order_by("owner_id", "month", "day", "id")
    )
    for row in rows:
        today = today_by_owner[row.owner_id]
        on = row.next_on(today)
        if on is not None and on <= today + timedelta(days=days - 1):
            by_owner[row.owner_id].append(UpcomingDate(on, row))
    for found in by_owner.values():
        found.sort(key=lambda u: (u.on, u.contact.display_name.lower(), u.important_date.pk))
    return by_owner


def calendar_dates(owner, since: date) -> list[ImportantDate]:
    """The important dates of the owner's active contacts for the calendar feed: every yearly
    one (it comes back), and the one-off ones from `since` on."""
    dates = (
        ImportantDate.objects.filter(owner=owner, contact__archived=False)
        .filter(Q(yearly=True) | Q(year__gte=since.year))
        .select_related("contact")
        .order_by("month", "day", "id")
    )
    return [important for important in dates if important.yearly or important.original >= since]
