"""The CalDAV poller against a real Radicale server, with a user name and an app password."""

import pytest

from capture import services
from capture.models import SourceKind, Suggestion, SuggestionStatus

from .calendars import ME, work_calendar
from .conftest import read_now
from .servers import Radicale


@pytest.fixture
def radicale():
    server = Radicale().start()
    yield server
    server.stop()


def _source(me, radicale, url, password=None):
    return services.save_source(me, SourceKind.CALDAV, {
        "name": "Dav", "url": url, "username": radicale.username,
        "password": password or radicale.password, "own_addresses": ME,
    })


def test_caldav_calendar_is_read_like_an_ical_address(me, ana, jonas, radicale):
    body, expected = work_calendar()
    url = radicale.calendar_with(body)
    source = _source(me, radicale, url)
    read_now(source)
    pending = set(
        Suggestion.objects.filter(owner=me, status=SuggestionStatus.PENDING).values_list("key", flat=True)
    )
    assert pending == set(expected)
    stats = read_now(source)
    assert stats["created"] == 0
    assert Suggestion.objects.filter(owner=me, status=SuggestionStatus.PENDING).count() == len(expected)


def test_a_wrong_app_password_shows_the_refusal(me, radicale):
    url = radicale.calendar_with(work_calendar()[0])
    source = _source(me, radicale, url, password="wrong-one")
    read_now(source)
    source.refresh_from_db()
    assert "refused the sign-in" in source.last_error and source.failures == 1
