"""The dashboard (`/`): its cards, their fragments, row actions, isolation and query counts."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Profile
from interactions import followups, services
from network_crm import fragment_cache
from interactions.models import (
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Interaction,
    SchedulerTick,
    Support,
    SupportStatus,
)
from interactions.dashboard import selectors
from interactions.followups.selectors import follow_up_reason_text
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    ProfileFactory,
    SupportFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CARDS = ["reach-out", "one-person", "promises", "activity", "upcoming", "counts"]
CARD_IDS = [f"card-{card}" for card in CARDS]
NOON = dt.datetime(2026, 3, 18, 12, 0, tzinfo=dt.UTC)  # a Wednesday
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The owner and stranger fixtures hash a password; PBKDF2 costs ~1s per test on CI cores.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def due(owner, days_ago=0, **kwargs):
    """A follow-up for a new contact of `owner`, due `days_ago` days before today."""
    kwargs.setdefault("contact", ContactFactory(owner=owner))
    return FollowUpFactory(owner=owner, due_on=TODAY - dt.timedelta(days=days_ago), **kwargs)


def section(html: str, card_id: str) -> str:
    """The HTML of one card on the page (up to the next card)."""
    start = html.index(f'id="{card_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def row_left_with_undo(response) -> bool:
    """An htmx row action's answer: no row in its place, only the message with its Undo,
    out of band into #messages."""
    html = response.content.decode()
    return "reach-row" not in html and html.strip().startswith(
        '<div hx-swap-oob="afterbegin:#messages">'
    ) and "Undo</button>" in html


def reach_out_ids(response) -> list[int]:
    html = section(response.content.decode(), "card-reach-out")
    return [int(pk) for pk in re.findall(r'id="follow-up-(\d+)"', html)]


# --- signed out, isolation ---------------------------------------------------------------------


def action_urls(follow_up, give):
    return [
        reverse("dashboard_follow_up_done", args=[follow_up.pk]),
        reverse("dashboard_follow_up_snooze", args=[follow_up.pk]),
        reverse("dashboard_follow_up_dismiss", args=[follow_up.pk]),
        reverse("dashboard_promise_done", args=[give.pk]),
    ]


def test_signed_out_dashboard_and_cards_redirect_to_login(client):
    for url in [reverse("dashboard")] + [reverse("dashboard_card", args=[c]) for c in CARDS]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_signed_out_actions_redirect_to_login(client, owner):
    urls = action_urls(due(owner), SupportFactory(owner=owner))
    for url in urls:
        response = client.post(url, {"until": "2026-04-01"})
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_stranger_gets_404_on_every_action_with_an_owners_id(stranger_client, owner):
    follow_up, give = due(owner), SupportFactory(owner=owner)
    for url in action_urls(follow_up, give):
        assert stranger_client.post(url, {"until": "2026-04-01"}, **HTMX).status_code == 404, url
    follow_up.refresh_from_db()
    give.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN
    assert give.status == SupportStatus.OFFERED


def test_fragments_never_show_another_users_rows(stranger_client, owner):
    contact = ContactFactory(owner=owner, name="Zebediah Owner-Only")
    due(owner, contact=contact)
    SupportFactory(owner=owner, contact=contact)
    InteractionFactory(owner=owner, contacts=[contact])
    EventFactory(owner=owner, name="Owner-only Summit", starts_on=TODAY + dt.timedelta(days=3))
    for card in CARDS:
        html = stranger_client.get(reverse("dashboard_card", args=[card]), **HTMX).content.decode()
        assert "Zebediah" not in html and "Owner-only Summit" not in html, card
    page = stranger_client.get(reverse("dashboard")).content.decode()
    assert "Zebediah" not in page and "Owner-only Summit" not in page


def test_actions_only_accept_post(owner_client, owner):
    follow_up = due(owner)
    assert (
        owner_client.get(reverse("dashboard_follow_up_done", args=[follow_up.pk])).status_code
        == 405
    )


# --- Reach out -----------------------------------------------------------------------------------


def test_reach_out_lists_overdue_before_due_today(owner_client, owner):
    today_row = due(owner, days_ago=0)
    old_row = due(owner, days_ago=12)
    middle_row = due(owner, days_ago=3)
    assert reach_out_ids(owner_client.get("/")) == [old_row.pk, middle_row.pk, today_row.pk]


def test_reach_out_leaves_out_future_closed_and_archived(owner_client, owner):
    due(owner, days_ago=-1)
    due(owner, status=FollowUpStatus.DONE)
    due(owner, status=FollowUpStatus.DISMISSED)
    due(owner, contact=ContactFactory(owner=owner, archived=True))
    shown = due(owner)
    assert reach_out_ids(owner_client.get("/")) == [shown.pk]


def test_reach_out_hides_a_snoozed_follow_up_until_its_day(owner, owner_client):
    follow_up = due(owner, days_ago=5)
    followups.snooze(follow_up, TODAY + dt.timedelta(days=1))
    assert reach_out_ids(owner_client.get("/")) == []
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert reach_out_ids(owner_client.get("/")) == [follow_up.pk]


def test_reach_out_row_says_the_reason_in_words(owner_client, owner):
    follow_up = due(owner, days_ago=2, reason=FollowUpReason.PROMISE, note="Send the RFC template")
    html = section(owner_client.get("/").content.decode(), "card-reach-out")
    reason = follow_up_reason_text(follow_up, TODAY)
    assert reason and reason[0].upper() + reason[1:] in html.replace("&#x27;", "'")
    assert "2 days overdue" in html


def test_today_is_the_users_local_date(owner_client, owner):
    # 23:30 UTC on the 18th is already the 19th in Tokyo.
    Profile.objects.create(owner=owner, time_zone="Asia/Tokyo")
    follow_up = FollowUpFactory(owner=owner, due_on=TODAY + dt.timedelta(days=1))
    with time_machine.travel(dt.datetime(2026, 3, 18, 23, 30, tzinfo=dt.UTC), tick=False):
        assert reach_out_ids(owner_client.get("/")) == [follow_up.pk]
    with time_machine.travel(dt.datetime(2026, 3, 18, 14, 0, tzinfo=dt.UTC), tick=False):
        assert reach_out_ids(owner_client.get("/")) == []


def test_reach_out_rows_offer_the_three_quick_logs(owner_client, owner):
    follow_up = due(owner)
    html = section(owner_client.get("/").content.decode(), "card-reach-out")
    for kind in ("congratulated", "shared_article", "thanked"):
        assert reverse("interactions:quick_log", args=[follow_up.contact.pk, kind]) in html


# --- row actions ----------------------------------------------------------------------------------


def test_done_with_htmx_removes_the_row_and_fires_follow_up_changed(owner_client, owner):
    follow_up = due(owner, days_ago=1)
    response = owner_client.post(reverse("dashboard_follow_up_done", args=[follow_up.pk]), **HTMX)
    assert response.status_code == 200
    assert row_left_with_undo(response)
    assert "followUpChanged" in response["HX-Trigger"]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


def test_done_without_javascript_redirects_to_the_dashboard(owner_client, owner):
    follow_up = due(owner)
    response = owner_client.post(reverse("dashboard_follow_up_done", args=[follow_up.pk]))
    assert response.status_code == 302 and response.url == reverse("dashboard")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


def test_snooze_hides_the_row_until_the_chosen_day(owner_client, owner):
    follow_up = due(owner, days_ago=3)
    until = TODAY + dt.timedelta(days=7)
    response = owner_client.post(
        reverse("dashboard_follow_up_snooze", args=[follow_up.pk]),
        {"until": until.isoformat()},
        **HTMX,
    )
    assert row_left_with_undo(response) and "followUpChanged" in response["HX-Trigger"]
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.snoozed_until) == (FollowUpStatus.SNOOZED, until)
    assert reach_out_ids(owner_client.get("/")) == []


def test_snooze_without_javascript_redirects_back_with_a_message(owner_client, owner):
    follow_up = due(owner)
    url = reverse("dashboard_follow_up_snooze", args=[follow_up.pk])
    response = owner_client.post(url, {"until": "2026-03-25"}, follow=True)
    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    assert "until 25 Mar" in response.content.decode()


def test_snooze_to_today_or_the_past_is_refused(owner_client, owner):
    follow_up = due(owner)
    url = reverse("dashboard_follow_up_snooze", args=[follow_up.pk])
    for until in (TODAY.isoformat(), "2020-01-01", "not-a-date", ""):
        assert owner_client.post(url, {"until": until}, **HTMX).status_code == 400, until
    refused = owner_client.post(url, {"until": "2020-01-01"}, follow=True).content.decode()
    assert "Pick a date after today." in refused
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


def test_snooze_understands_a_week_as_well_as_a_date(owner_client, owner):
    follow_up = due(owner)
    owner_client.post(reverse("dashboard_follow_up_snooze", args=[follow_up.pk]), {"until": "week"})
    follow_up.refresh_from_db()
    assert follow_up.snoozed_until == TODAY + dt.timedelta(days=7)


def test_snooze_buttons_offer_tomorrow_a_week_and_a_month(owner_client, owner):
    due(owner)
    html = section(owner_client.get("/").content.decode(), "card-reach-out")
    for value in ("2026-03-19", "2026-03-25", "2026-04-18"):
        assert f'value="{value}"' in html
    assert 'type="date"' in html


def test_dismiss_removes_the_row(owner_client, owner):
    follow_up = due(owner)
    response = owner_client.post(
        reverse("dashboard_follow_up_dismiss", args=[follow_up.pk]), **HTMX
    )
    assert row_left_with_undo(response) and "followUpChanged" in response["HX-Trigger"]
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DISMISSED


def test_promise_done_keeps_the_promise_and_fires_events(owner_client, owner):
    give = SupportFactory(owner=owner, direction=Direction.GIVE)
    response = owner_client.post(reverse("dashboard_promise_done", args=[give.pk]), **HTMX)
    assert response.content == b""
    assert {"promiseChanged", "followUpChanged"} <= set(
        response["HX-Trigger"].replace('"', " ").split()
    )
    give.refresh_from_db()
    assert (give.status, give.done_on) == (SupportStatus.DONE, TODAY)


def _row_action_urls(owner):
    follow_up = due(owner)
    give = SupportFactory(owner=owner, direction=Direction.GIVE)
    return {
        "done": (reverse("dashboard_follow_up_done", args=[follow_up.pk]), {}),
        "dismiss": (reverse("dashboard_follow_up_dismiss", args=[follow_up.pk]), {}),
        "snooze": (
            reverse("dashboard_follow_up_snooze", args=[follow_up.pk]),
            {"until": "week"},
        ),
        "promise done": (reverse("dashboard_promise_done", args=[give.pk]), {}),
        "quick log": (
            reverse("interactions:quick_log", args=[follow_up.contact.pk, "thanked"]),
            {},
        ),
    }


@pytest.mark.parametrize("action", ["done", "dismiss", "snooze", "promise done", "quick log"])
def test_row_actions_fire_their_events_on_body_not_on_the_row(owner_client, owner, action):
    # A card may reload while the action is in flight; an event fired on the (then detached)
    # row would reach no card.
    url, data = _row_action_urls(owner)[action]
    response = owner_client.post(url, data, **HTMX)
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events and all(detail["target"] == "body" for detail in events.values())


def test_promise_done_is_404_for_support_received(owner_client, owner):
    received = SupportFactory(owner=owner, direction=Direction.RECEIVED)
    assert (
        owner_client.post(reverse("dashboard_promise_done", args=[received.pk])).status_code == 404
    )


# --- fragments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("card", CARDS)
def test_each_card_fragment_is_one_section_that_reloads_itself(owner_client, card):
    response = owner_client.get(reverse("dashboard_card", args=[card]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'hx-get="{reverse("dashboard_card", args=[card])}"' in html
    assert re.search(r'hx-trigger="[^"]*from:body', html)


def test_unknown_card_is_404(owner_client):
    assert owner_client.get(reverse("dashboard_card", args=["nope"])).status_code == 404


@pytest.mark.parametrize("event", ["interactionLogged", "followUpChanged", "promiseChanged"])
def test_every_card_reloads_on_every_change_event(owner_client, owner, event):
    # Done on a give's follow-up keeps the promise, a logged mentoring session moves Upcoming:
    # any change can touch any card, so each listens to all three events.
    ContactFactory(owner=owner)
    html = owner_client.get("/").content.decode()
    for card_id in CARD_IDS:
        trigger = re.search(r'hx-trigger="([^"]*)"', section(html, card_id)).group(1)
        assert f"{event} from:body" in trigger, card_id


# --- the other cards ----------------------------------------------------------------------------


def test_open_promises_lists_offered_gives_oldest_first(owner_client, owner):
    newer = SupportFactory(
        owner=owner, offered_on=TODAY - dt.timedelta(days=2), description="Newer give"
    )
    older = SupportFactory(
        owner=owner, offered_on=TODAY - dt.timedelta(days=20), description="Older give"
    )
    SupportFactory(owner=owner, status=SupportStatus.DONE, description="Kept give")
    SupportFactory(owner=owner, direction=Direction.ASK, description="An ask")
    html = section(owner_client.get("/").content.decode(), "card-promises")
    assert re.findall(r'id="promise-(\d+)"', html) == [str(older.pk), str(newer.pk)]


def test_recent_activity_merges_interactions_and_gives_newest_first(owner_client, owner):
    contact = ContactFactory(owner=owner)
    InteractionFactory(
        owner=owner,
        contacts=[contact],
        summary="Old coffee",
        occurred_at=NOON - dt.timedelta(days=9),
    )
    SupportFactory(
        owner=owner,
        contact=contact,
        description="Middle give",
        offered_on=TODAY - dt.timedelta(days=4),
    )
    InteractionFactory(owner=owner, contacts=[contact], summary="Fresh call", occurred_at=NOON)
    html = section(owner_client.get("/").content.decode(), "card-activity")
    assert html.index("Fresh call") < html.index("Middle give") < html.index("Old coffee")


def test_recent_activity_shows_at_most_ten(owner_client, owner):
    contact = ContactFactory(owner=owner)
    for n in range(12):
        InteractionFactory(
            owner=owner,
            contacts=[contact],
            summary=f"Chat {n:02d}",
            occurred_at=NOON - dt.timedelta(hours=n),
        )
    html = section(owner_client.get("/").content.decode(), "card-activity")
    assert html.count('class="activity-row"') == 10
    assert "Chat 00" in html and "Chat 11" not in html


def test_upcoming_shows_events_in_the_next_three_weeks_and_sessions_due(owner_client, owner):
    EventFactory(owner=owner, name="Soon Conf", starts_on=TODAY + dt.timedelta(days=10))
    EventFactory(owner=owner, name="Far Conf", starts_on=TODAY + dt.timedelta(days=40))
    EventFactory(owner=owner, name="Past Meetup", starts_on=TODAY - dt.timedelta(days=5))
    mentee = ContactFactory(owner=owner, name="Mina Mentee")
    MentorshipFactory(
        owner=owner,
        mentee=mentee,
        started_on=TODAY - dt.timedelta(days=30),
        session_cadence_days=14,
        last_session_on=TODAY - dt.timedelta(days=7),
    )
    html = section(owner_client.get("/").content.decode(), "card-upcoming")
    assert "Soon Conf" in html and "Mina Mentee" in html
    assert "Far Conf" not in html and "Past Meetup" not in html


def test_counts_card_counts_due_overdue_promises_and_touches(owner_client, owner):
    due(owner, days_ago=0)
    due(owner, days_ago=4)
    due(owner, days_ago=9)
    SupportFactory(owner=owner)
    contact = ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=NOON - dt.timedelta(days=1))
    InteractionFactory(owner=owner, contacts=[contact], occurred_at=NOON - dt.timedelta(days=8))
    html = owner_client.get(reverse("dashboard_card", args=["counts"]), **HTMX).content.decode()
    numbers = dict(
        (label, int(value))
        for value, label in re.findall(
            r'stat-value">(\d+)</span>\s*<span class="stat-label">([^<]+)<', html
        )
    )
    assert numbers == {
        "due today": 1,
        "overdue": 2,
        "open promise": 1,
        "touch this week": 1,
    }


def test_one_person_card_names_someone_with_a_suggested_give(owner_client, owner):
    ContactFactory(owner=owner, name="Olive Onlyone")
    html = owner_client.get(reverse("dashboard_card", args=["one-person"]), **HTMX).content.decode()
    assert "Olive Onlyone" in html
    assert "Suggested give" in html


def test_page_leaves_an_unranked_one_person_card_to_load_itself(owner_client, owner):
    ContactFactory(owner=owner, name="Olive Onlyone")
    html = section(owner_client.get("/").content.decode(), "card-one-person")
    assert "Olive Onlyone" not in html
    assert re.search(r'hx-trigger="load, ', html)


def test_page_shows_the_one_person_ranked_earlier_today(owner_client, owner):
    ContactFactory(owner=owner, name="Olive Onlyone")
    owner_client.get(reverse("dashboard_card", args=["one-person"]), **HTMX)
    html = section(owner_client.get("/").content.decode(), "card-one-person")
    assert "Olive Onlyone" in html
    assert 'hx-trigger="load' not in html


def test_one_person_moves_on_once_the_user_talked_to_them(owner_client, owner):
    first = ContactFactory(owner=owner, name="Olive Onlyone")
    url = reverse("dashboard_card", args=["one-person"])
    assert "Olive Onlyone" in owner_client.get(url, **HTMX).content.decode()
    ContactFactory(owner=owner, name="Pat Second")
    with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):
        services.quick_log(owner, first, "thanked")
        html = owner_client.get(url, **HTMX).content.decode()
    assert "Pat Second" in html


def test_one_person_reason_follows_a_change_of_the_users_own_discipline(owner_client, owner):
    ProfileFactory(owner=owner, own_discipline="engineering")
    ContactFactory(owner=owner, name="Olive Onlyone", discipline="product")
    url = reverse("dashboard_card", args=["one-person"])
    assert "outside your usual circle (product)" in owner_client.get(url, **HTMX).text
    profile = Profile.objects.get(owner=owner)
    profile.own_discipline = "product"
    profile.save()
    html = owner_client.get(url, **HTMX).text
    assert "Olive Onlyone" in html and "outside your usual circle" not in html


def test_one_person_reason_follows_a_change_of_their_cadence(owner_client, owner):
    olive = ContactFactory(owner=owner, name="Olive Onlyone", cadence_days=30)
    InteractionFactory(
        owner=owner, contacts=[olive], occurred_at=NOON - dt.timedelta(days=40)
    )
    followups.refresh_contact_schedule([olive.pk])
    url = reverse("dashboard_card", args=["one-person"])
    assert "cadence 30" in owner_client.get(url, **HTMX).text
    Contact.objects.filter(pk=olive.pk).update(cadence_days=21)
    html = owner_client.get(url, **HTMX).text
    assert "cadence 21" in html and "cadence 30" not in html


def test_reach_out_shows_fifteen_then_everyone_on_request(owner_client, owner):
    for n in range(17):
        due(owner, days_ago=n)
    assert len(reach_out_ids(owner_client.get("/"))) == 15
    html = section(owner_client.get("/").content.decode(), "card-reach-out")
    assert "Show everyone due" in html
    every = owner_client.get(reverse("dashboard_card", args=["reach-out"]) + "?all=1", **HTMX)
    assert len(reach_out_ids(every)) == 17


# --- scheduler banner ---------------------------------------------------------------------------


def test_banner_shows_when_the_scheduler_is_stale(owner_client, settings):
    SchedulerTick.objects.create(
        name="scheduler-tick",
        ticked_at=timezone.now() - dt.timedelta(seconds=3 * settings.SCHEDULER_TICK_SECONDS),
    )
    assert "Reminders may be late" in owner_client.get("/").content.decode()


def test_banner_shows_when_the_scheduler_never_ran_on_an_older_account(owner_client, owner):
    assert "Reminders are not running" not in owner_client.get("/").content.decode()
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        assert "Reminders are not running" in owner_client.get("/").content.decode()


def test_no_banner_when_the_scheduler_ticked_recently(owner_client):
    SchedulerTick.objects.create(name="scheduler-tick", ticked_at=timezone.now())
    assert "Reminders may be late" not in owner_client.get("/").content.decode()


# --- speed --------------------------------------------------------------------------------------


def seed(owner, n):
    """n of everything the dashboard shows."""
    ProfileFactory(owner=owner)
    contacts = ContactFactory.create_batch(n, owner=owner)
    for i, contact in enumerate(contacts):
        FollowUpFactory(owner=owner, contact=contact, due_on=TODAY - dt.timedelta(days=i % 5))
        SupportFactory(owner=owner, contact=contact, offered_on=TODAY - dt.timedelta(days=i))
        InteractionFactory(
            owner=owner,
            contacts=[contact, contacts[i - 1]],
            occurred_at=NOON - dt.timedelta(hours=i),
        )
        EventFactory(owner=owner, starts_on=TODAY + dt.timedelta(days=i % 20))
        MentorshipFactory(
            owner=owner, mentee=contact, last_session_on=TODAY - dt.timedelta(days=10)
        )


def count_queries(client, url, **extra) -> int:
    """Queries for `url` with today's one-person suggestion already ranked (the usual case)
    and no card cached (the page after a write)."""
    client.get(reverse("dashboard_card", args=["one-person"]), **HTMX)
    fragment_cache.invalidate_everyone()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **extra).status_code == 200
    return len(queries)


def test_page_and_card_query_counts_do_not_grow_with_rows(owner_client, owner, stranger):
    urls = [("/", {})] + [(reverse("dashboard_card", args=[c]), HTMX) for c in CARDS]
    seed(owner, 3)
    few = [count_queries(owner_client, url, **extra) for url, extra in urls]
    seed(owner, 27)
    seed(stranger, 3)
    assert [count_queries(owner_client, url, **extra) for url, extra in urls] == few
    # Uncached: every card (Upcoming with its important dates and the follow-ups ahead, the
    # counts with the people still to sort), the suggested person, the heartbeat.
    assert few[0] <= 19, few


def bulk_seed(owner, n):
    """n contacts, each with a due follow-up, an open give and an interaction (bulk inserts)."""
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, name=f"Bulk {owner.pk}-{i}") for i in range(n)
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            owner=owner,
            contact=c,
            reason=FollowUpReason.CADENCE,
            due_on=TODAY - dt.timedelta(days=i % 40),
            source_key=f"bulk:{c.pk}",
        )
        for i, c in enumerate(contacts)
    )
    Support.objects.bulk_create(
        Support(owner=owner, contact=c, offered_on=TODAY - dt.timedelta(days=i % 300))
        for i, c in enumerate(contacts)
    )
    interactions = Interaction.objects.bulk_create(
        Interaction(owner=owner, occurred_at=NOON - dt.timedelta(hours=i)) for i in range(n)
    )
    Interaction.contacts.through.objects.bulk_create(
        Interaction.contacts.through(interaction=x, contact=c)
        for x, c in zip(interactions, contacts, strict=True)
    )


def test_page_uses_the_same_queries_for_10_and_1000_contacts(owner_client, owner):
    ProfileFactory(owner=owner)
    bulk_seed(owner, 10)
    few = count_queries(owner_client, "/")
    bulk_seed(owner, 990)
    assert count_queries(owner_client, "/") == few


def test_counts_card_counts_overdue_reminders_up_to_a_cap(owner_client, owner, monkeypatch):
    monkeypatch.setattr(selectors, "DUE_COUNTED", 3)
    for days in (0, 3, 4, 5):
        due(owner, days_ago=days)
    html = owner_client.get(reverse("dashboard_card", args=["counts"]), **HTMX).content.decode()
    assert re.search(r'stat-value">2\+</span>\s*<span class="stat-label">overdue<', html)


def test_reach_out_finds_the_next_people_past_one_with_many_due(owner, monkeypatch):
    monkeypatch.setattr(selectors, "WALKED_PER_PERSON", 1)
    busy = ContactFactory(owner=owner, name="Busy")
    for days in (9, 8, 7):
        due(owner, days_ago=days, contact=busy, source_key=f"busy-{days}")
    other = due(owner, days_ago=1).contact
    people = selectors.reach_out(owner, TODAY, limit=2)
    assert [[f.contact for f in rows][0] for rows in people] == [busy, other]
    assert len(people[0]) == 3
