import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.middleware import UserTimeZoneMiddleware
from contacts.models import Profile
from tests.factories import ProfileFactory, UserFactory
from tests.interactions.settings_page.test_views import _settings_data as settings_data


def _zone_during(request):
    seen = {}

    def get_response(req):
        seen["zone"] = timezone.get_current_timezone_name()
        return None

    UserTimeZoneMiddleware(get_response)(request)
    return seen["zone"]


def _request_of(rf, user):
    request = rf.get("/")
    request.user = user
    return request


@pytest.mark.django_db
def test_pages_run_in_the_users_time_zone(rf):
    user = UserFactory()
    ProfileFactory(owner=user, time_zone="America/New_York")
    assert _zone_during(_request_of(rf, user)) == "America/New_York"
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated afterwards


@pytest.mark.django_db
def test_saving_the_profile_caches_its_zone(rf, django_assert_num_queries):
    user = UserFactory()
    ProfileFactory(owner=user, time_zone="Europe/Berlin")
    with django_assert_num_queries(0):
        assert _zone_during(_request_of(rf, user)) == "Europe/Berlin"


@pytest.mark.django_db
def test_a_zone_not_in_the_cache_is_read_once_then_cached(rf, django_assert_num_queries):
    user = UserFactory()
    Profile.objects.bulk_create([Profile(owner=user, time_zone="Europe/Berlin")])  # no signal
    with django_assert_num_queries(1):
        assert _zone_during(_request_of(rf, user)) == "Europe/Berlin"
    with django_assert_num_queries(0):
        assert _zone_during(_request_of(rf, user)) == "Europe/Berlin"


@pytest.mark.django_db
def test_a_changed_zone_shows_in_every_session_of_the_user(owner):
    ProfileFactory(owner=owner, time_zone="America/New_York")
    laptop, phone = Client(), Client()
    laptop.force_login(owner)
    phone.force_login(owner)
    # 23:30 UTC on the 18th: still the 18th in New York, already the 19th in Tokyo.
    with time_machine.travel(dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.UTC), tick=False):
        assert phone.get(reverse("dashboard")).context["today"] == dt.date(2026, 3, 18)
        laptop.post(reverse("settings"), settings_data(time_zone="Asia/Tokyo"))
        assert phone.get(reverse("dashboard")).context["today"] == dt.date(2026, 3, 19)


@pytest.mark.django_db
def test_the_zone_is_read_from_the_profile_with_the_cache_down(rf, cache_down):
    user = UserFactory()
    ProfileFactory(owner=user, time_zone="Asia/Kolkata")
    assert _zone_during(_request_of(rf, user)) == "Asia/Kolkata"


@pytest.mark.django_db
def test_a_user_without_a_profile_gets_utc_and_no_profile_is_created(rf):
    user = UserFactory()
    assert _zone_during(_request_of(rf, user)) == "UTC"
    assert not Profile.objects.filter(owner=user).exists()
