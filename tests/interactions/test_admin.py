"""The admin for interactions, gives, mentorships, follow-ups and scheduler ticks: every page
loads, staff users see and pick only their own rows, rows created there belong to their creator
and go through the follow-up engine, changelists keep a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions.models import (
    FollowUp,
    FollowUpStatus,
    Interaction,
    SchedulerTick,
    Support,
)
from tests.factories import (
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
    UserFactory,
)


def _interaction(user):
    return InteractionFactory(
        owner=user, contacts=[ContactFactory(owner=user), ContactFactory(owner=user)],
        event=EventFactory(owner=user),
    )


def _support(user):
    return SupportFactory(owner=user, intro_to=ContactFactory(owner=user))


def _mentorship(user):
    return MentorshipFactory(owner=user, mentor=ContactFactory(owner=user))


def _follow_up(user):
    return FollowUpFactory(owner=user)


BUILDERS = {
    "interaction": _interaction,
    "support": _support,
    "mentorship": _mentorship,
    "followup": _follow_up,
}


def _url(model_name, view, *args):
    return reverse(f"admin:interactions_{model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Each changelist test creates dozens of users; the production hasher would take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def engine_calls(monkeypatch):
    """Replaces the follow-up engine with a recorder: these tests are about the admin."""
    from interactions import followups

    calls = []
    for name in ("refresh_contact_schedule", "on_interaction_saved", "on_support_saved", "mark_done"):
        monkeypatch.setattr(
            followups, name, lambda arg, _name=name: calls.append((_name, arg))
        )
    return calls


@pytest.fixture
def staff_owner(owner):
    owner.is_staff = True
    owner.save()
    owner.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["contacts", "interactions"])
    )
    return owner


@pytest.fixture
def staff_client(client, staff_owner):
    client.force_login(staff_owner)
    return client


@pytest.mark.parametrize("model_name", BUILDERS)
def test_superuser_changelist_loads(admin_client, owner, model_name):
    BUILDERS[model_name](owner)
    response = admin_client.get(_url(model_name, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


@pytest.mark.parametrize("model_name", BUILDERS)
def test_superuser_add_page_loads(admin_client, model_name):
    assert admin_client.get(_url(model_name, "add")).status_code == 200


@pytest.mark.parametrize("model_name", BUILDERS)
def test_superuser_change_page_of_any_owner_loads(admin_client, owner, model_name):
    row = BUILDERS[model_name](owner)
    assert admin_client.get(_url(model_name, "change", row.pk)).status_code == 200


@pytest.mark.parametrize("model_name", BUILDERS)
def test_staff_changelist_shows_only_their_rows(staff_client, staff_owner, stranger, model_name):
    own = BUILDERS[model_name](staff_owner)
    BUILDERS[model_name](stranger)
    response = staff_client.get(_url(model_name, "changelist"))
    assert [row.pk for row in response.context["cl"].result_list] == [own.pk]


@pytest.mark.parametrize("model_name", BUILDERS)
def test_staff_cannot_open_another_users_row(staff_client, stranger, model_name):
    theirs = BUILDERS[model_name](stranger)
    response = staff_client.get(_url(model_name, "change", theirs.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("model_name", BUILDERS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, model_name):
    url = _url(model_name, "changelist")
    for _ in range(3):
        BUILDERS[model_name](UserFactory())
    admin_client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for _ in range(27):
        BUILDERS[model_name](UserFactory())
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 30
    assert len(many) == len(few)


def _interaction_form(contacts, **overrides):
    now = timezone.now()
    data = {
        "contacts": [c.pk for c in contacts],
        "occurred_at_0": now.strftime("%Y-%m-%d"),
        "occurred_at_1": now.strftime("%H:%M:%S"),
        "kind": "coffee",
        "initiated_by": "me",
        "summary": "Coffee about the platform migration",
    }
    data.update(overrides)
    return data


def test_interaction_created_by_staff_belongs_to_them(staff_client, staff_owner, engine_calls):
    contact = ContactFactory(owner=staff_owner)
    response = staff_client.post(_url("interaction", "add"), _interaction_form([contact]))
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.owner == staff_owner
    assert list(interaction.contacts.all()) == [contact]


def test_interaction_saved_in_admin_goes_through_the_follow_up_engine(
    staff_client, staff_owner, engine_calls
):
    staff_client.post(_url("interaction", "add"), _interaction_form([ContactFactory(owner=staff_owner)]))
    assert engine_calls == [("on_interaction_saved", Interaction.objects.get())]


def test_staff_cannot_log_an_interaction_with_another_users_contact(
    staff_client, staff_owner, stranger, engine_calls
):
    theirs = ContactFactory(owner=stranger)
    response = staff_client.post(
        _url("interaction", "add"), _interaction_form([ContactFactory(owner=staff_owner), theirs])
    )
    assert "contacts" in response.context["adminform"].form.errors
    assert not Interaction.objects.exists()


def test_deleting_interactions_refreshes_their_contacts_schedules(admin_client, owner, engine_calls):
    interaction = _interaction(owner)
    contact_ids = sorted(interaction.contacts.values_list("pk", flat=True))
    admin_client.post(
        _url("interaction", "changelist"),
        {"action": "delete_selected", "_selected_action": [interaction.pk], "post": "yes"},
    )
    assert not Interaction.objects.exists()
    assert [(name, sorted(ids)) for name, ids in engine_calls] == [
        ("refresh_contact_schedule", contact_ids)
    ]


def test_staff_cannot_give_to_another_users_contact(staff_client, stranger, engine_calls):
    theirs = ContactFactory(owner=stranger)
    response = staff_client.post(
        _url("support", "add"),
        {"direction": "give", "contact": theirs.pk, "kind": "help", "status": "offered",
         "offered_on": "2026-01-05"},
    )
    assert "contact" in response.context["adminform"].form.errors
    assert not Support.objects.exists()


def test_give_saved_in_admin_belongs_to_creator_and_goes_through_the_engine(
    staff_client, staff_owner, engine_calls
):
    contact = ContactFactory(owner=staff_owner)
    staff_client.post(
        _url("support", "add"),
        {"direction": "give", "contact": contact.pk, "kind": "help", "status": "offered",
         "offered_on": "2026-01-05"},
    )
    support = Support.objects.get()
    assert support.owner == staff_owner
    assert engine_calls == [("on_support_saved", support)]


def test_follow_up_created_by_staff_belongs_to_them(staff_client, staff_owner):
    contact = ContactFactory(owner=staff_owner)
    form_page = staff_client.get(_url("followup", "add"))
    source_key = form_page.context["adminform"].form["source_key"].value()
    assert source_key.startswith("manual:")
    staff_client.post(
        _url("followup", "add"),
        {"contact": contact.pk, "reason": "manual", "due_on": "2026-02-01", "status": "open",
         "source_key": source_key},
    )
    assert FollowUp.objects.get().owner == staff_owner


def test_mark_done_action_closes_only_open_follow_ups(staff_client, staff_owner, engine_calls):
    open_one = FollowUpFactory(owner=staff_owner)
    dismissed = FollowUpFactory(owner=staff_owner, status=FollowUpStatus.DISMISSED)
    staff_client.post(
        _url("followup", "changelist"),
        {"action": "mark_done", "_selected_action": [open_one.pk, dismissed.pk]},
    )
    assert engine_calls == [("mark_done", open_one)]


def test_scheduler_ticks_are_hidden_from_staff(staff_client):
    SchedulerTick.objects.create(name="scan", ticked_at=timezone.now())
    assert staff_client.get(_url("schedulertick", "changelist")).status_code == 403


def test_superuser_sees_scheduler_ticks(admin_client):
    SchedulerTick.objects.create(name="scan", ticked_at=timezone.now())
    response = admin_client.get(_url("schedulertick", "changelist"))
    assert [tick.name for tick in response.context["cl"].result_list] == ["scan"]


def test_scheduler_ticks_are_read_only_for_superusers(admin_client):
    tick = SchedulerTick.objects.create(name="scan", ticked_at=timezone.now())
    assert admin_client.get(_url("schedulertick", "add")).status_code == 403
    admin_client.post(
        _url("schedulertick", "change", tick.pk),
        {"name": "changed", "ticked_at_0": "2020-01-01", "ticked_at_1": "00:00:00"},
    )
    tick.refresh_from_db()
    assert tick.name == "scan"


def test_interaction_changelist_filters_by_date(admin_client, owner):
    old = InteractionFactory(owner=owner, occurred_at=timezone.now() - datetime.timedelta(days=400))
    InteractionFactory(owner=owner)
    response = admin_client.get(
        _url("interaction", "changelist"), {"occurred_at__year": old.occurred_at.year}
    )
    assert [row.pk for row in response.context["cl"].result_list] == [old.pk]


def test_interaction_search_finds_a_persons_conversation_once(admin_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Quill")
    bea = ContactFactory(owner=owner, name="Ada Quince")
    both = InteractionFactory(owner=owner, contacts=[ada, bea], summary="Lunch")
    other = ContactFactory(owner=owner, name="Other")
    noted = InteractionFactory(owner=owner, contacts=[other], notes="Ask Ada Q.")
    InteractionFactory(owner=owner, contacts=[other], summary="x")

    def found(q):
        response = admin_client.get(_url("interaction", "changelist"), {"q": q})
        return sorted(row.pk for row in response.context["cl"].result_list), response.text

    # Both words in the names of the two people met: listed once, not once per person.
    assert found("ada qu")[0] == [both.pk]
    listed, page = found("ada")
    assert listed == sorted([both.pk, noted.pk])
    assert "2 results" in page


def test_long_lists_are_counted_up_to_a_point(admin_client, owner, monkeypatch):
    from contacts.admin_mixins import CountedUpToPaginator

    monkeypatch.setattr(CountedUpToPaginator, "COUNTED", 3)
    for _ in range(5):
        FollowUpFactory(owner=owner, note="call back")

    page = admin_client.get(_url("followup", "changelist")).text
    searched = admin_client.get(_url("followup", "changelist"), {"q": "call"}).text
    few = admin_client.get(_url("followup", "changelist"), {"q": "nobody-wrote-this"}).text

    assert "More than 3 follow ups" in page
    assert "More than 3 results" in searched
    assert "0 results" in few
