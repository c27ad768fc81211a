"""seed_demo and its generator (interactions.demo): a believable, deterministic network owned by
one user, with schedules consistent with its interactions, scaled by --contacts/--interactions."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max

from contacts.models import Circle, Contact, ContactLink, Discipline, Event, Tag
from contacts.services import get_profile
from interactions.demo import build_demo_network
from interactions.models import (
    Direction,
    FollowUp,
    Interaction,
    Mentorship,
    Support,
    SupportKind,
    SupportStatus,
)

TODAY = dt.date(2026, 6, 15)
OWNED_MODELS = (Tag, Event, Contact, ContactLink, Interaction, Support, Mentorship, FollowUp)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def network(owner):
    return build_demo_network(owner, seed=1, today=TODAY)


def _snapshot(user):
    contacts = list(
        Contact.objects.filter(owner=user).order_by("name", "company").values_list(
            "name", "company", "title", "circle", "discipline", "tier", "how_we_met",
            "last_interaction_at", "next_follow_up_on", "strength",
        )
    )
    interactions = [
        (i.occurred_at, i.kind, i.summary, i.notes, sorted(c.name for c in i.contacts.all()))
        for i in Interaction.objects.filter(owner=user).prefetch_related("contacts").order_by("occurred_at", "summary")
    ]
    supports = sorted(
        Support.objects.filter(owner=user).values_list("direction", "kind", "status", "description", "offered_on")
    )
    return contacts, interactions, supports


def test_default_network_has_sixty_contacts_and_ten_interactions_each(owner, network):
    assert Contact.objects.filter(owner=owner).count() == network["contacts"] == 60
    assert Interaction.objects.filter(owner=owner).count() == network["interactions"] == 600


def test_every_circle_and_discipline_is_present(owner, network):
    contacts = Contact.objects.filter(owner=owner)
    assert set(contacts.values_list("circle", flat=True)) == set(Circle.values)
    assert set(contacts.values_list("discipline", flat=True)) == set(Discipline.values)


def test_every_row_belongs_to_the_user(owner, stranger, network):
    for model in OWNED_MODELS:
        assert model.objects.filter(owner=owner).exists(), model
        assert not model.objects.exclude(owner=owner).exists(), model


def test_related_rows_never_cross_owners(owner, network):
    through = Interaction.contacts.through.objects
    assert not through.exclude(contact__owner=F("interaction__owner")).exists()
    assert not Support.objects.exclude(contact__owner=owner).exists()
    assert not Support.objects.filter(intro_to__isnull=False).exclude(intro_to__owner=owner).exists()
    assert not ContactLink.objects.exclude(from_contact__owner=owner, to_contact__owner=owner).exists()


def test_same_seed_gives_the_same_network(owner, stranger):
    build_demo_network(owner, seed=7, today=TODAY)
    build_demo_network(stranger, seed=7, today=TODAY)
    assert _snapshot(owner) == _snapshot(stranger)


def test_another_seed_gives_another_network(owner, stranger):
    build_demo_network(owner, seed=7, today=TODAY)
    build_demo_network(stranger, seed=8, today=TODAY)
    assert _snapshot(owner)[0] != _snapshot(stranger)[0]


def test_contact_schedule_follows_last_interaction_and_cadence(owner, network):
    profile = get_profile(owner)
    contacts = Contact.objects.filter(owner=owner).annotate(last=Max("interactions__occurred_at"))
    for contact in contacts:
        cadence = contact.cadence_days or profile.default_cadence(contact.tier)
        assert contact.last_interaction_at == contact.last
        base = contact.last.astimezone(profile.zone).date() if contact.last else TODAY
        assert contact.next_follow_up_on == base + dt.timedelta(days=cadence)


def test_interactions_span_the_past_year(owner, network):
    days = {i.occurred_at.date() for i in Interaction.objects.filter(owner=owner)}
    assert min(days) >= TODAY - dt.timedelta(days=366)
    assert max(days) < TODAY
    assert len(days) > 150


def test_some_interactions_are_group_conversations(owner, network):
    sizes = set(
        Interaction.objects.filter(owner=owner).annotate(n=Count("contacts")).values_list("n", flat=True)
    )
    assert {1, 2} <= sizes
    assert max(sizes) <= 3


def test_support_flows_both_ways_with_every_status(owner, network):
    supports = Support.objects.filter(owner=owner)
    assert set(supports.values_list("direction", flat=True)) == set(Direction.values)
    assert set(supports.values_list("status", flat=True)) == set(SupportStatus.values)


def test_intros_name_two_different_contacts(owner, network):
    intros = Support.objects.filter(owner=owner, kind=SupportKind.INTRO)
    assert intros.exists()
    assert not intros.filter(intro_to__isnull=True).exists()


def test_mentorships_go_both_ways_and_one_is_matched(owner, network):
    roles = [m.role for m in Mentorship.objects.filter(owner=owner)]
    assert sorted(set(roles)) == ["matched", "my_mentee", "my_mentor"]
    assert roles.count("matched") == 1


def test_events_are_past_and_upcoming_with_people_met(owner, network):
    events = list(Event.objects.filter(owner=owner).annotate(met=Count("people_met")))
    assert 4 <= len(events) <= 6
    assert any(e.starts_on > TODAY for e in events)
    past = [e for e in events if e.last_day < TODAY]
    assert past and all(e.met >= 2 for e in past)


def test_links_include_colleagues_and_mentors(owner, network):
    kinds = set(ContactLink.objects.filter(owner=owner).values_list("kind", flat=True))
    assert {"colleagues", "mentor_of"} <= kinds


def test_a_few_contacts_are_archived_or_never_reminded(owner, network):
    contacts = Contact.objects.filter(owner=owner)
    assert 1 <= contacts.filter(archived=True).count() <= 5
    assert 1 <= contacts.filter(reminders_off=True).count() <= 5


def test_promise_follow_ups_use_the_engine_source_keys(owner, network):
    promises = FollowUp.objects.filter(owner=owner, reason="promise").select_related("interaction")
    assert promises.exists()
    for follow_up in promises:
        assert follow_up.source_key == f"interaction:{follow_up.interaction_id}:{follow_up.contact_id}"
        assert follow_up.due_on == follow_up.interaction.follow_up_on


def test_open_gives_with_a_due_date_have_a_follow_up(owner, network):
    gives = Support.objects.filter(owner=owner, direction="give", status="offered", due_on__isnull=False)
    keys = set(FollowUp.objects.filter(owner=owner, reason="give").values_list("source_key", flat=True))
    assert keys == {f"give:{pk}" for pk in gives.values_list("pk", flat=True)}


def test_scaled_numbers_are_honoured(owner):
    counts = build_demo_network(owner, contacts=7, interactions=25, seed=2, today=TODAY)
    assert Contact.objects.filter(owner=owner).count() == counts["contacts"] == 7
    assert Interaction.objects.filter(owner=owner).count() == counts["interactions"] == 25


def test_network_without_interactions_is_due_one_cadence_after_today(owner):
    build_demo_network(owner, contacts=3, interactions=0, today=TODAY)
    profile = get_profile(owner)
    for contact in Contact.objects.filter(owner=owner):
        assert contact.last_interaction_at is None
        cadence = contact.cadence_days or profile.default_cadence(contact.tier)
        assert contact.next_follow_up_on == TODAY + dt.timedelta(days=cadence)


def test_empty_network_creates_no_contacts(owner):
    counts = build_demo_network(owner, contacts=0, interactions=0, today=TODAY)
    assert counts.get("contacts") == 0
    assert not Contact.objects.filter(owner=owner).exists()


def _seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_creates_a_missing_user_and_prints_a_working_password():
    output = _seed("--user", "demo", "--contacts", "4", "--interactions", "10")
    password = output.split("with password ")[1].split("'")[1]
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(password)
    assert Contact.objects.filter(owner=user).count() == 4


def test_command_fills_an_existing_user(owner):
    output = _seed("--user", owner.username, "--contacts", "4", "--interactions", "10")
    assert "Created user" not in output
    assert Contact.objects.filter(owner=owner).count() == 4


def test_if_empty_does_nothing_the_second_time(owner):
    _seed("--user", owner.username, "--contacts", "4", "--interactions", "10", "--if-empty")
    output = _seed("--user", owner.username, "--contacts", "4", "--interactions", "10", "--if-empty")
    assert "nothing to do" in output
    assert Contact.objects.filter(owner=owner).count() == 4
    assert Interaction.objects.filter(owner=owner).count() == 10


def test_seeding_twice_without_if_empty_adds_a_second_network(owner):
    _seed("--user", owner.username, "--contacts", "4", "--interactions", "10")
    _seed("--user", owner.username, "--contacts", "4", "--interactions", "10")
    assert Contact.objects.filter(owner=owner).count() == 8
    assert Tag.objects.filter(owner=owner).count() == len(set(Tag.objects.values_list("name", flat=True)))


@pytest.mark.django_db
def test_negative_sizes_are_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--user", "demo", "--contacts", "-1")
