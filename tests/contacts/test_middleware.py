import pytest
from django.test import Client
from django.utils import timezone

from contacts.middleware import SESSION_KEY, UserTimeZoneMiddleware
from tests.factories import ProfileFactory, UserFactory


def _zone_during(request):
    seen = {}

    def get_response(req):
        seen["zone"] = timezone.get_current_timezone_name()
        return None

    UserTimeZoneMiddleware(get_response)(request)
    return seen["zone"]


@pytest.mark.django_db
def test_sign_in_remembers_the_profile_time_zone_in_the_session():
    user = UserFactory()
    ProfileFactory(owner=user, time_zone="Asia/Tokyo")
    client = Client()
    client.force_login(user)
    assert client.session[SESSION_KEY] == "Asia/Tokyo"


@pytest.mark.django_db
def test_pages_run_in_the_users_time_zone(rf):
    user = UserFactory()
    request = rf.get("/")
    request.user = user
    request.session = {SESSION_KEY: "America/New_York"}
    assert _zone_during(request) == "America/New_York"
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated afterwards


@pytest.mark.django_db
def test_a_session_without_the_zone_reads_it_once(rf):
    user = UserFactory()
    ProfileFactory(owner=user, time_zone="Europe/Berlin")
    request = rf.get("/")
    request.user = user
    request.session = {}
    assert _zone_during(request) == "Europe/Berlin"
    assert request.session[SESSION_KEY] == "Europe/Berlin"


@pytest.mark.django_db
def test_a_user_without_a_profile_gets_utc_and_no_profile_is_created(rf):
    from contacts.models import Profile

    user = UserFactory()
    request = rf.get("/")
    request.user = user
    request.session = {}
    assert _zone_during(request) == "UTC"
    assert not Profile.objects.filter(owner=user).exists()
