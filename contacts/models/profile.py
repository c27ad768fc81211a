"""The user's own profile: time zone, digest schedule, default cadence per tier."""

import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import Discipline, Tier, Weekday


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Berlin).")


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def default_phone_region() -> str:
    return settings.PHONE_REGION


class Profile(models.Model):
    """The user's own settings: time zone, digest schedule, default cadence per tier."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    digest_enabled = models.BooleanField(default=True)
    digest_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(23)], help_text="Local hour, 0–23."
    )
    cadence_close = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1)], help_text="Days between touches."
    )
    cadence_peer = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1)])
    cadence_network = models.PositiveSmallIntegerField(default=90, validators=[MinValueValidator(1)])
    cadence_dormant = models.PositiveSmallIntegerField(default=180, validators=[MinValueValidator(1)])
    # The user's own place, so insights can say what is missing from the network.
    own_discipline = models.CharField(
        max_length=32, choices=Discipline.choices, default=Discipline.ENGINEERING
    )
    own_company = models.CharField(max_length=200, blank=True)
    own_team = models.CharField(max_length=200, blank=True)
    # Phone numbers written without a country code (in imports, on forms) belong to this
    # region; every number is stored in E.164 (contacts.phones).
    phone_region = models.CharField(
        max_length=2,
        default=default_phone_region,
        help_text="Numbers written without a country code are read as numbers of this region.",
    )
    # Secret for the iCalendar feed URL; rotating it revokes every old subscription.
    calendar_token = models.CharField(max_length=64, unique=True, default=_new_token)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="profile_digest_hour_0_23"),
            models.CheckConstraint(
                condition=Q(digest_weekday__lte=6), name="profile_digest_weekday_0_6"
            ),
            models.CheckConstraint(
                condition=Q(cadence_close__gte=1)
                & Q(cadence_peer__gte=1)
                & Q(cadence_network__gte=1)
                & Q(cadence_dormant__gte=1),
                name="profile_cadences_positive",
            ),
        ]

    def __str__(self):
        return f"Profile of {self.owner}"

    def default_cadence(self, tier: str) -> int | None:
        """Days between touches for a tier; None for a contact whose tier is not set (no
        cadence follow-ups until the user sorts them or gives them a cadence of their own)."""
        return {
            Tier.CLOSE: self.cadence_close,
            Tier.PEER: self.cadence_peer,
            Tier.NETWORK: self.cadence_network,
            Tier.DORMANT: self.cadence_dormant,
        }.get(tier)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self, now: datetime.datetime | None = None) -> datetime.date:
        """Today's date in the user's time zone."""
        return (now or timezone.now()).astimezone(self.zone).date()

    def cadence_for(self, contact) -> int | None:
        """Days between touches for this contact: its own cadence, else its tier's default;
        None for an unsorted contact (no tier, no cadence of its own)."""
        return contact.cadence_days or self.default_cadence(contact.tier)
