"""ImportantDate: a birthday, a work anniversary or any named day of a contact.

The day is kept as month and day with an optional year, because people often know a birthday
without its year (and vCard's `BDAY:--0412` says exactly that). A yearly date comes back every
year; a date that happens once needs its year.
"""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class DateKind(models.TextChoices):
    BIRTHDAY = "birthday", "Birthday"
    WORK_ANNIVERSARY = "work_anniversary", "Work anniversary"
    ANNIVERSARY = "anniversary", "Anniversary"
    OTHER = "other", "Other"


DATE_KIND_LABELS = dict(DateKind.choices)
_LONG_MONTHS = (1, 3, 5, 7, 8, 10, 12)


def occurrence_in(year: int, month: int, day: int) -> date:
    """The day a yearly date falls on in `year`: 29 February is kept on the 28th in years
    without one."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


class ImportantDate(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="important_dates"
    )
    kind = models.CharField(max_length=20, choices=DateKind.choices, default=DateKind.BIRTHDAY)
    label = models.CharField(
        max_length=100, blank=True, help_text="Its name, for another kind of date."
    )
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)])
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9999)],
        help_text="Blank when you do not know it.",
    )
    yearly = models.BooleanField(default=True, help_text="Comes back every year.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "day", "id"]
        indexes = [
            # Read by selectors.upcoming_dates (the dashboard's Upcoming, the weekly digest and
            # the calendar feed): one owner's dates by month and day.
            models.Index(fields=["owner", "month", "day"], name="importantdate_owner_day"),
            # The contact's own dates (its page, the edit form, the API, CardDAV).
            models.Index(fields=["contact"], name="importantdate_contact"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1)
                & (
                    Q(month__in=_LONG_MONTHS, day__lte=31)
                    | Q(month=2, day__lte=29)
                    | Q(month__in=(4, 6, 9, 11), day__lte=30)
                ),
                name="importantdate_real_day",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1, year__lte=9999),
                name="importantdate_year_range",
            ),
            models.CheckConstraint(
                condition=Q(yearly=True) | Q(year__isnull=False), name="importantdate_once_has_year"
            ),
            models.CheckConstraint(
                condition=~Q(kind=DateKind.OTHER) | ~Q(label=""), name="importantdate_other_named"
            ),
            # One birthday per person: an import that finds one updates it.
            models.UniqueConstraint(
                fields=["owner", "contact"],
                condition=Q(kind=DateKind.BIRTHDAY),
                name="importantdate_one_birthday",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.date_text}"

    def clean(self):
        errors = {}
        if self.month and self.day:
            year = self.year or 2000  # a leap year: 29 February without a year is a birthday
            try:
                date(year, self.month, self.day)
            except ValueError:
                errors["day"] = "That month has no such day."
        if not self.yearly and not self.year:
            errors["year"] = "A date that happens once needs its year."
        if self.kind == DateKind.OTHER and not self.label.strip():
            errors["label"] = "Name this date (for example “Wedding” or “Daughter's birthday”)."
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        """What the date is called: its own label, else its kind."""
        return self.label or DATE_KIND_LABELS.get(self.kind, self.kind)

    @property
    def date_text(self) -> str:
        text = f"{self.day} {calendar.month_name[self.month]}"
        return f"{text} {self.year}" if self.year else text

    @property
    def original(self) -> date | None:
        """The date itself when its year is known."""
        return date(self.year, self.month, self.day) if self.year else None

    def next_on(self, today: date) -> date | None:
        """The first day on or after `today` the date falls on, None for a past one-off."""
        if not self.yearly:
            return self.original if self.original >= today else None
        this_year = occurrence_in(today.year, self.month, self.day)
        return this_year if this_year >= today else occurrence_in(today.year + 1, self.month, self.day)

    def years_on(self, occurrence: date) -> int | None:
        """How many years a yearly date with a known year counts on `occurrence` (the age on a
        birthday), None when that is unknown or not a count."""
        if not self.yearly or not self.year or occurrence.year <= self.year:
            return None
        return occurrence.year - self.year

    def describe_on(self, occurrence: date) -> str:
        """The date as an agenda line says it: "Birthday (turns 40)", "Work anniversary (5 years)"."""
        years = self.years_on(occurrence)
        if years is None:
            return self.title
        if self.kind == DateKind.BIRTHDAY:
            return f"{self.title} (turns {years})"
        return f"{self.title} ({years} year{'s' if years != 1 else ''})"
