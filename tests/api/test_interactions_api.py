"""Interactions, gives / received / asks, events, mentorships and follow-ups through the API,
with the web app's rules: a logged interaction resets cadences and closes cadence reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus, Interaction, Support
from tests.factories import ContactFactory, FollowUpFactory, InteractionFactory


@pytest.fixture
def ada(owner):
    contact = ContactFactory(owner=owner, name="Ada", cadence_days=30)
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=timezone.localdate())
    return contact


def test_logging_an_interaction_resets_the_cadence_and_closes_the_reminder(api, owner, ada):
    reminder = FollowUpFactory(owner=owner, contact=ada, reason=FollowUpReason.CADENCE,
                               due_on=timezone.localdate(), source_key="cadence:x")
    response = api.post("/api/v1/interactions/", {
        "contacts": [ada.pk], "kind": "call", "summary": "Caught up",
        "working_on": "A new engine", "follow_up_on": str(timezone.localdate() + timedelta(days=7)),
    })
    assert response.status_code == 201, response.json()
    ada.refresh_from_db()
    assert ada.last_interaction_at is not None
    assert ada.next_follow_up_on == timezone.localdate() + timedelta(days=30)
    assert ada.working_on == "A new engine"
    reminder.refresh_from_db()
    assert reminder.status == FollowUpStatus.DONE
    assert FollowUp.objects.filter(contact=ada, reason=FollowUpReason.PROMISE).count() == 1


def test_an_interaction_needs_a_contact_of_ones_own(api, stranger):
    theirs = ContactFactory(owner=stranger)
    response = api.post("/api/v1/interactions/", {"contacts": [theirs.pk]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "contacts"
    assert api.post("/api/v1/interactions/", {"contacts": []}).status_code == 400


def test_deleting_an_interaction_moves_the_schedule_back(api, owner, ada):
    created = api.post("/api/v1/interactions/", {"contacts": [ada.pk]}).json()
    assert api.delete(f"/api/v1/interactions/{created['id']}/").status_code == 204
    ada.refresh_from_db()
    assert ada.last_interaction_at is None


def test_interactions_filter_by_contact(api, owner, ada):
    other = ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contacts=[ada], summary="with Ada")
    InteractionFactory(owner=owner, contacts=[other], summary="with someone else")
    body = api.get("/api/v1/interactions/", {"contact": ada.pk}).json()
    assert [i["summary"] for i in body["results"]] == ["with Ada"]


def test_a_give_with_a_due_date_makes_a_follow_up(api, owner, ada):
    due = timezone.localdate() + timedelta(days=3)
    response = api.post("/api/v1/supports/", {
        "direction": "give", "contact": ada.pk, "kind": "review", "due_on": str(due)})
    assert response.status_code == 201, response.json()
    assert FollowUp.objects.get(support_id=response.json()["id"]).due_on == due


def test_an_intro_needs_two_people_and_a_due_date_after_the_offer(api, ada):
    response = api.post("/api/v1/supports/", {
        "contact": ada.pk, "intro_to": ada.pk, "kind": "intro",
        "offered_on": "2026-01-10", "due_on": "2026-01-01"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"intro_to"}


def test_asks_and_received_are_listed_by_direction(api, owner, ada):
    for direction in ("give", "received", "ask"):
        Support.objects.create(owner=owner, contact=ada, direction=direction)
    body = api.get("/api/v1/supports/", {"direction": "ask"}).json()
    assert [s["direction"] for s in body["results"]] == ["ask"]


def test_events_with_people_met(api, owner, ada):
    response = api.post("/api/v1/events/", {
        "name": "PyCon", "starts_on": "2026-05-01", "ends_on": "2026-04-30",
        "people_met": [ada.pk]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ends_on"
    response = api.post("/api/v1/events/", {
        "name": "PyCon", "starts_on": "2026-05-01", "people_met": [ada.pk]})
    assert response.status_code == 201
    assert response.json()["people_met"] == [ada.pk]


def test_a_mentorship_names_at_least_one_contact(api, ada):
    assert api.post("/api/v1/mentorships/", {"goals": "x"}).status_code == 400
    response = api.post("/api/v1/mentorships/", {"mentee": ada.pk, "session_cadence_days": 14})
    assert response.status_code == 201
    assert response.json()["role"] == "my_mentee"


def test_follow_ups_list_open_ones_by_default(api, owner, ada):
    open_one = FollowUpFactory(owner=owner, contact=ada)
    FollowUpFactory(owner=owner, contact=ada, status=FollowUpStatus.DONE)
    body = api.get("/api/v1/follow-ups/").json()
    assert [f["id"] for f in body["results"]] == [open_one.pk]
    assert len(api.get("/api/v1/follow-ups/", {"status": "all"}).json()["results"]) == 2


def test_done_on_a_cadence_follow_up_counts_as_a_touch(api, owner, ada):
    reminder = FollowUpFactory(owner=owner, contact=ada, reason=FollowUpReason.CADENCE,
                               due_on=timezone.localdate(), source_key="cadence:y")
    response = api.post(f"/api/v1/follow-ups/{reminder.pk}/done/")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    ada.refresh_from_db()
    assert ada.next_follow_up_on == timezone.localdate() + timedelta(days=30)


def test_snooze_moves_a_follow_up_to_a_later_day(api, owner, ada):
    reminder = FollowUpFactory(owner=owner, contact=ada)
    later = timezone.localdate() + timedelta(days=4)
    response = api.post(f"/api/v1/follow-ups/{reminder.pk}/snooze/", {"until": str(later)})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["due_on"]) == ("snoozed", str(later))
    response = api.post(f"/api/v1/follow-ups/{reminder.pk}/snooze/",
                        {"until": str(timezone.localdate())})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "until"


def test_dismiss_closes_a_follow_up_and_a_second_click_changes_nothing(api, owner, ada):
    reminder = FollowUpFactory(owner=owner, contact=ada)
    assert api.post(f"/api/v1/follow-ups/{reminder.pk}/dismiss/").json()["status"] == "dismissed"
    assert api.post(f"/api/v1/follow-ups/{reminder.pk}/done/").json()["status"] == "dismissed"


def test_another_users_follow_up_is_a_404(api, stranger):
    theirs = FollowUpFactory(owner=stranger)
    assert api.post(f"/api/v1/follow-ups/{theirs.pk}/done/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == FollowUpStatus.OPEN


def test_updates_through_put_replace_an_interaction(api, owner, ada):
    interaction = InteractionFactory(owner=owner, contacts=[ada], summary="old")
    response = api.put(f"/api/v1/interactions/{interaction.pk}/", {
        "contacts": [ada.pk], "summary": "new", "kind": "video"})
    assert response.status_code == 200
    interaction.refresh_from_db()
    assert (interaction.summary, interaction.kind) == ("new", "video")
    assert Interaction.objects.count() == 1
