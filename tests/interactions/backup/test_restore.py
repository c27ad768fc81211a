"""A JSON backup restored into an empty account behaves exactly like the original: every
reference, the ids inside follow-ups' source keys included, points at the restored rows."""

import datetime
import json

import pytest
import time_machine

from contacts.merging.relations import contact_foreign_keys
from contacts.models import Contact, ContactLink, Event, LinkKind
from interactions import services
from interactions.backup.document import LEFT_OUT, SECTIONS, export_document, export_json
from interactions.backup.restore import RestoreError, import_document
from interactions.followups import create_event_follow_ups, scan_follow_ups
from interactions.followups.keys import ID_PARTS, RETIRED
from interactions.models import Direction, FollowUp, Interaction, Mentorship, Support
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    ImportantDateFactory,
    TagFactory,
    UserFactory,
)
from tests.interactions.backup.normalise import normalised

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def original(owner):
    """An account made the way a user makes one, so that every kind of source key exists:
    cadence, a promise from an interaction, a give with a due date, an event's people, a
    mentorship's sessions."""
    with time_machine.travel(NOW - datetime.timedelta(days=120), tick=False):
        ada = ContactFactory(owner=owner, name="Ada Lovelace", cadence_days=7)
        bob = ContactFactory(owner=owner, name="Bob Sørensen", introduced_by=ada)
        cy = ContactFactory(owner=owner, name="Cy Young")
    ContactEmailFactory(contact=ada, email="ada@example.com")
    ImportantDateFactory(owner=owner, contact=bob, month=4, day=12)
    bob.tags.add(TagFactory(owner=owner, name="mentors"))
    event = EventFactory(owner=owner, name="LeadDev", starts_on=datetime.date(2026, 10, 20))
    event.people_met.add(ada, bob, cy)
    ada.met_at = event
    ada.save()
    ContactLink.objects.create(
        owner=owner, from_contact=ada, to_contact=bob, kind=LinkKind.INTRODUCED
    )
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        services.log_interaction(
            owner,
            {
                "contacts": [ada, bob],
                "occurred_on": datetime.date(2026, 10, 13),
                "summary": "Lunch",
                "follow_up_on": datetime.date(2026, 11, 20),
                "give_kind": "review",
                "give_description": "Review the talk",
                "give_due_on": datetime.date(2026, 11, 25),
            },
        )
        services.save_mentorship(
            owner,
            {"mentee": cy, "session_cadence_days": 14, "started_on": datetime.date(2026, 9, 1)},
        )
        services.save_support(
            owner, {"direction": Direction.GIVE, "contact": cy, "kind": "intro", "intro_to": ada}
        )
    create_event_follow_ups(event)
    with time_machine.travel(NOW, tick=False):
        scan_follow_ups()
    return owner


@pytest.fixture
def restored(original):
    fresh = UserFactory(username="fresh")
    import_document(fresh, json.loads(export_json(original)))
    return fresh


def test_the_original_has_every_kind_of_source_key(original):
    kinds = {key.split(":")[0] for key in FollowUp.objects.values_list("source_key", flat=True)}
    assert kinds == set(ID_PARTS)


def test_export_restore_export_gives_the_same_document_but_for_ids(original, restored):
    before = json.loads(export_json(original))
    after = json.loads(export_json(restored))
    assert normalised(after) == normalised(before)
    assert {len(after[key]) for key, _, _ in SECTIONS} != {0}


def test_every_source_key_names_rows_of_the_restored_account(restored):
    owned = {
        Contact: set(Contact.objects.filter(owner=restored).values_list("pk", flat=True)),
        Event: set(Event.objects.filter(owner=restored).values_list("pk", flat=True)),
        Interaction: set(Interaction.objects.filter(owner=restored).values_list("pk", flat=True)),
        Support: set(Support.objects.filter(owner=restored).values_list("pk", flat=True)),
        Mentorship: set(Mentorship.objects.filter(owner=restored).values_list("pk", flat=True)),
    }
    for follow_up in FollowUp.objects.filter(owner=restored):
        kind, *parts = follow_up.source_key.split(":")
        for model, part in zip(ID_PARTS[kind], parts, strict=False):
            if model is not None:
                assert int(part) in owned[model], follow_up.source_key
        linked = {"give": "support_id", "event": "event_id", "mentorship": "mentorship_id"}
        linked["interaction"] = "interaction_id"
        if kind in linked:
            assert parts[0] == str(getattr(follow_up, linked[kind])), follow_up.source_key


def test_done_on_a_restored_give_closes_its_reminder(restored):
    give = Support.objects.get(
        owner=restored, description="Review the talk", contact__name="Bob Sørensen"
    )
    reminder = FollowUp.objects.get(owner=restored, support=give)
    assert reminder.status == "open"
    services.mark_support_done(give, datetime.date(2026, 11, 3))
    reminder.refresh_from_db()
    assert reminder.status == "done"


def test_follow_ups_for_everyone_met_at_a_restored_event_are_not_made_twice(restored):
    event = Event.objects.get(owner=restored, name="LeadDev")
    before = FollowUp.objects.filter(owner=restored).count()
    assert create_event_follow_ups(event) == 0
    assert FollowUp.objects.filter(owner=restored).count() == before


def test_a_promise_edited_on_a_restored_interaction_moves_its_reminder(restored):
    interaction = Interaction.objects.get(owner=restored, summary="Lunch")
    promises = FollowUp.objects.filter(owner=restored, interaction=interaction, reason="promise")
    before = set(promises.values_list("pk", flat=True))
    services.update_interaction(interaction, {"follow_up_on": datetime.date(2026, 11, 27)})
    assert set(promises.values_list("pk", flat=True)) == before  # moved, not made again
    assert set(promises.values_list("due_on", flat=True)) == {datetime.date(2026, 11, 27)}


def test_the_scanners_treat_the_restored_account_as_the_original(original, restored):
    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):
        scan_follow_ups()
        scan_follow_ups()
    mine = normalised(export_document(original) | {"exported_at": None})["follow_ups"]
    theirs = normalised(export_document(restored) | {"exported_at": None})["follow_ups"]
    assert theirs == mine


def test_a_key_naming_a_row_the_backup_does_not_hold_is_retired(original):
    document = json.loads(export_json(original))
    row = next(r for r in document["follow_ups"] if r["source_key"].startswith("give:"))
    row["source_key"], row["support_id"] = "give:999999", None
    fresh = UserFactory(username="fresh")
    import_document(fresh, document)
    assert FollowUp.objects.filter(owner=fresh, source_key=f"give:{RETIRED}999999").exists()


def test_restore_refuses_an_account_with_only_tags(original):
    fresh = UserFactory(username="fresh")
    TagFactory(owner=fresh, name="mentors")
    with pytest.raises(RestoreError, match="empty account"):
        import_document(fresh, json.loads(export_json(original)))
    assert not Contact.objects.filter(owner=fresh).exists()


def test_a_restore_that_fails_halfway_leaves_nothing(original):
    document = json.loads(export_json(original))
    document["follow_ups"][0]["contact_id"] = 999999
    fresh = UserFactory(username="fresh")
    with pytest.raises(RestoreError, match="missing Contact"):
        import_document(fresh, document)
    assert not Contact.objects.filter(owner=fresh).exists()


def test_every_model_that_points_at_a_contact_is_backed_up_or_said_to_be_left_out():
    """A model an app adds later (important dates, say) fails here until the backup holds it."""
    backed_up = {model._meta.label for _, model, _ in SECTIONS}
    pointing = set()
    for fk in contact_foreign_keys():
        model = fk.model._meta.auto_created or fk.model  # a many-to-many table: its model
        pointing.add(model._meta.label)
    assert pointing - backed_up - set(LEFT_OUT) == set()
    assert set(LEFT_OUT) <= pointing
