"""When the next nudge goes out, from interactions' local-hour window (shared with the digest)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from interactions.digests import local_window
from notifications.models import Frequency, Nudge
from notifications.selectors import next_nudge_at
from notifications.services import get_schedule
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_a_daily_window_is_the_local_day_at_the_hour():
    window = local_window(BERLIN, datetime(2026, 12, 9, 23, 30, tzinfo=UTC), hour=8)
    assert window.period == date(2026, 12, 10)  # already Thursday in Berlin
    assert window.due_at == datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert window.ends_at == datetime(2026, 12, 10, 23, 0, tzinfo=UTC)


def test_a_daily_window_on_the_spring_forward_night_keeps_its_day():
    window = local_window(BERLIN, datetime(2026, 3, 29, 12, tzinfo=UTC), hour=2)
    assert window.period == date(2026, 3, 29)
    assert window.due_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST, after the gap
    assert window.ends_at == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


@pytest.fixture
def user():
    user = UserFactory()
    ProfileFactory(owner=user, time_zone="Europe/Berlin")
    return user


def test_the_next_nudge_is_today_at_the_hour_then_tomorrow_once_made(user):
    schedule = get_schedule(user)
    morning = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)
    assert next_nudge_at(schedule, user, morning) == datetime(2026, 12, 9, 7, 0, tzinfo=UTC)
    Nudge.objects.create(
        owner=user,
        frequency=Frequency.DAILY,
        period=date(2026, 12, 9),
        due_at=morning,
        ends_at=morning,
    )
    later = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    assert next_nudge_at(schedule, user, later) == datetime(2026, 12, 10, 7, 0, tzinfo=UTC)


def test_no_next_nudge_when_they_are_off(user):
    schedule = get_schedule(user)
    schedule.frequency = Frequency.OFF
    assert next_nudge_at(schedule, user, datetime(2026, 12, 9, tzinfo=UTC)) is None
