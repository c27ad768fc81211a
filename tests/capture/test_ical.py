"""The iCal-address poller against a real HTTP server of .ics files: recurring series,
exceptions, cancelled and excluded occurrences, time zones, conditional requests, and the
errors a user must see."""

from capture.models import Source, Suggestion, SuggestionStatus
from interactions.models import InteractionKind

from .calendars import BOB, JONAS, calendar, event, local, BERLIN, work_calendar
from .conftest import read_now


def _suggested(owner):
    return {
        s.key: (s.title, {e.email for c in s.contacts.all() for e in c.emails.all()})
        for s in Suggestion.objects.filter(owner=owner, status=SuggestionStatus.PENDING)
    }


def test_first_read_suggests_each_past_meeting_occurrence_with_contacts(
    me, ana, jonas, calendar_host, ical_source
):
    body, expected = work_calendar()
    calendar_host.files["/work.ics"] = body
    stats = read_now(ical_source())
    assert _suggested(me) == expected
    assert stats["created"] == len(expected) + 1  # and the coffee with Bob, unmatched


def test_moved_occurrence_keeps_its_series_key_and_online_meeting_is_a_video_call(
    me, ana, jonas, calendar_host, ical_source
):
    body, expected = work_calendar()
    calendar_host.files["/work.ics"] = body
    read_now(ical_source())
    moved = Suggestion.objects.get(owner=me, title="1:1 Ana (moved)")
    assert moved.key in expected
    assert Suggestion.objects.get(owner=me, title="1:1 Ana").kind == InteractionKind.VIDEO
    assert Suggestion.objects.get(owner=me, title="Architecture sync").kind == InteractionKind.OTHER


def test_meeting_times_are_read_in_their_own_time_zone(me, ana, jonas, calendar_host, ical_source):
    calendar_host.files["/work.ics"] = work_calendar()[0]
    read_now(ical_source())
    sync = Suggestion.objects.get(owner=me, title="Architecture sync")
    assert sync.occurred_at == local(BERLIN, 2, 14)
    assert (sync.ends_at - sync.occurred_at).total_seconds() == 30 * 60


def test_second_read_is_conditional_and_suggests_nothing_twice(
    me, ana, jonas, calendar_host, ical_source
):
    calendar_host.files["/work.ics"] = work_calendar()[0]
    source = ical_source()
    read_now(source)
    count = Suggestion.objects.filter(owner=me).count()
    stats = read_now(source)
    assert calendar_host.statuses("/work.ics") == [200, 304]
    assert stats.get("not_modified") is True
    assert Suggestion.objects.filter(owner=me).count() == count


def test_a_full_read_again_suggests_nothing_twice(me, ana, jonas, calendar_host, ical_source):
    calendar_host.files["/work.ics"] = work_calendar()[0]
    source = ical_source()
    read_now(source)
    before = sorted(Suggestion.objects.filter(owner=me).values_list("key", flat=True))
    Source.objects.filter(pk=source.pk).update(etag="", last_modified="", read_through=None)
    stats = read_now(source)
    assert stats["created"] == 0
    assert sorted(Suggestion.objects.filter(owner=me).values_list("key", flat=True)) == before


def test_a_meeting_cancelled_later_leaves_review(me, ana, jonas, calendar_host, ical_source):
    sync = local(BERLIN, 2, 14)
    attendees = [(JONAS, "CN=Jonas")]
    calendar_host.files["/c.ics"] = calendar(event("x@test", "Sync", sync, attendees=attendees))
    source = ical_source("/c.ics")
    read_now(source)
    assert Suggestion.objects.filter(owner=me, status=SuggestionStatus.PENDING).count() == 1
    calendar_host.files["/c.ics"] = calendar(
        event("x@test", "Sync", sync, attendees=attendees, extra="STATUS:CANCELLED")
    )
    Source.objects.filter(pk=source.pk).update(read_through=None)
    stats = read_now(source)
    assert stats["removed"] == 1
    assert not Suggestion.objects.filter(owner=me).exists()


def test_a_dismissed_meeting_is_not_suggested_again(me, ana, jonas, calendar_host, ical_source):
    calendar_host.files["/work.ics"] = work_calendar()[0]
    source = ical_source()
    read_now(source)
    Suggestion.objects.filter(owner=me, title="Architecture sync").update(
        status=SuggestionStatus.DISMISSED
    )
    Source.objects.filter(pk=source.pk).update(read_through=None, etag="")
    read_now(source)
    assert Suggestion.objects.get(owner=me, title="Architecture sync").status == "dismissed"


def test_strangers_are_offered_but_not_rooms_robots_or_me(me, ana, jonas, calendar_host, ical_source):
    calendar_host.files["/work.ics"] = work_calendar()[0]
    read_now(ical_source())
    people = {p["email"] for s in Suggestion.objects.filter(owner=me) for p in s.new_people}
    assert people == {BOB}
    coffee = Suggestion.objects.get(owner=me, title="Coffee with Bob")
    assert coffee.status == SuggestionStatus.UNMATCHED


def test_a_missing_calendar_shows_its_error_and_is_retried_later(me, calendar_host, ical_source):
    source = ical_source("/missing.ics")
    result = read_now(source)
    source.refresh_from_db()
    assert "404" in result["error"]
    assert "404" in source.last_error and source.failures == 1
    assert source.next_read_at > source.last_read_at
    read_now(source)
    source.refresh_from_db()
    assert source.failures == 2


def test_a_malformed_calendar_shows_its_error(me, calendar_host, ical_source):
    calendar_host.files["/broken.ics"] = b"<html>This is not a calendar</html>"
    source = ical_source("/broken.ics")
    read_now(source)
    source.refresh_from_db()
    assert "not valid iCalendar" in source.last_error or "no VCALENDAR" in source.last_error


def test_error_messages_never_contain_the_secret_address(me, calendar_host, ical_source):
    source = ical_source("/secret-token-abc123/basic.ics")
    read_now(source)
    source.refresh_from_db()
    assert source.last_error and "secret-token-abc123" not in source.last_error


def test_success_after_failures_clears_the_error(me, ana, calendar_host, ical_source):
    source = ical_source("/later.ics")
    read_now(source)
    calendar_host.files["/later.ics"] = work_calendar()[0]
    read_now(source)
    source.refresh_from_db()
    assert source.last_error == "" and source.failures == 0 and source.last_success_at


def test_hosts_on_this_machine_are_refused_unless_allowed(me, calendar_host, ical_source, settings):
    settings.CAPTURE_ALLOW_PRIVATE_HOSTS = False
    calendar_host.files["/work.ics"] = work_calendar()[0]
    source = ical_source()
    read_now(source)
    source.refresh_from_db()
    assert "private network" in source.last_error
    assert calendar_host.answers == []  # never asked


def test_a_redirect_to_this_machine_is_refused(me, calendar_host, ical_source, monkeypatch):
    # The test's own host is on 127.0.0.1 too: allowed the first time, refused on the redirect.
    from capture import pollers

    checked = []

    def allow_first(host):
        checked.append(host)
        if len(checked) > 1:
            raise pollers.SourceError("private network")

    monkeypatch.setattr("capture.pollers.ical.refuse_private_host", allow_first)
    calendar_host.redirects["/moved.ics"] = "http://127.0.0.1:9/internal"
    source = ical_source("/moved.ics")
    read_now(source)
    source.refresh_from_db()
    assert "private network" in source.last_error and len(checked) == 2
