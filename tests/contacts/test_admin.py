"""The admin for contacts, profiles, tags, events and links: every page loads, staff users see and
pick only their own rows, rows created there belong to their creator, changelists keep a fixed
number of queries."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, ContactLink, LinkKind, Profile, Tag
from tests.factories import (
    ContactFactory,
    EventFactory,
    ProfileFactory,
    TagFactory,
    UserFactory,
)


def _contact(user):
    contact = ContactFactory(owner=user)
    contact.tags.add(TagFactory(owner=user))
    contact.emails.create(email=f"c{contact.pk}@example.org")
    return contact


def _tag(user):
    tag = TagFactory(owner=user)
    ContactFactory(owner=user).tags.add(tag)
    return tag


def _event(user):
    event = EventFactory(owner=user)
    event.people_met.add(ContactFactory(owner=user))
    return event


def _link(user):
    return ContactLink.objects.create(
        owner=user,
        from_contact=ContactFactory(owner=user),
        to_contact=ContactFactory(owner=user),
        kind=LinkKind.COLLEAGUES,
    )


def _profile(user):
    return ProfileFactory(owner=user)


BUILDERS = {
    "contact": _contact,
    "tag": _tag,
    "event": _event,
    "contactlink": _link,
    "profile": _profile,
}


def _url(model_name, view, *args):
    return reverse(f"admin:contacts_{model_name}_{view}", args=args)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Each changelist test creates dozens of users; the production hasher would take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_schedule_engine(monkeypatch):
    """Records the contacts whose schedule the admin asks the follow-up engine to refresh."""
    from interactions import followups

    calls = []
    monkeypatch.setattr(followups, "refresh_contact_schedule", lambda ids: calls.append(list(ids)))
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
    assert len(response.context["cl"].result_list) >= 1


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
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [own.pk]


@pytest.mark.parametrize("model_name", BUILDERS)
def test_staff_cannot_open_another_users_row(staff_client, stranger, model_name):
    theirs = BUILDERS[model_name](stranger)
    response = staff_client.get(_url(model_name, "change", theirs.pk))
    # The admin answers a row outside the user's queryset with a redirect to its index.
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


def _contact_form(**overrides):
    data = {
        "name": "Grace Hopper",
        "circle": "community",
        "discipline": "engineering",
        "tier": "peer",
        "emails-TOTAL_FORMS": "1",
        "emails-INITIAL_FORMS": "0",
        "emails-0-email": "grace@example.org",
        "emails-0-label": "work",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_contact_created_by_staff_belongs_to_them(staff_client, staff_owner, no_schedule_engine):
    response = staff_client.post(_url("contact", "add"), _contact_form())
    assert response.status_code == 302
    contact = Contact.objects.get(name="Grace Hopper")
    assert contact.owner == staff_owner
    assert list(contact.emails.values_list("email", flat=True)) == ["grace@example.org"]


def test_staff_cannot_give_a_contact_to_another_user(staff_client, staff_owner, stranger, no_schedule_engine):
    staff_client.post(_url("contact", "add"), _contact_form(owner=stranger.pk))
    assert Contact.objects.get(name="Grace Hopper").owner == staff_owner


def test_new_contact_schedule_is_computed(staff_client, no_schedule_engine):
    staff_client.post(_url("contact", "add"), _contact_form())
    assert no_schedule_engine == [[Contact.objects.get(name="Grace Hopper").pk]]


def test_contact_created_by_superuser_belongs_to_them_by_default(admin_client, admin_user, no_schedule_engine):
    form_page = admin_client.get(_url("contact", "add"))
    assert form_page.context["adminform"].form["owner"].value() == admin_user.pk
    admin_client.post(_url("contact", "add"), _contact_form(owner=admin_user.pk))
    assert Contact.objects.get(name="Grace Hopper").owner == admin_user


def test_staff_add_form_hides_the_owner(staff_client):
    form = staff_client.get(_url("contact", "add")).context["adminform"].form
    assert form.fields["owner"].widget.is_hidden


def test_staff_cannot_pick_another_users_contact_as_introducer(
    staff_client, stranger, no_schedule_engine
):
    theirs = ContactFactory(owner=stranger)
    response = staff_client.post(_url("contact", "add"), _contact_form(introduced_by=theirs.pk))
    assert response.status_code == 200
    assert "introduced_by" in response.context["adminform"].form.errors
    assert not Contact.objects.filter(name="Grace Hopper").exists()


def test_staff_cannot_link_another_users_contact(staff_client, staff_owner, stranger):
    mine, theirs = ContactFactory(owner=staff_owner), ContactFactory(owner=stranger)
    response = staff_client.post(
        _url("contactlink", "add"),
        {"from_contact": mine.pk, "to_contact": theirs.pk, "kind": LinkKind.COLLEAGUES},
    )
    assert "to_contact" in response.context["adminform"].form.errors
    assert not ContactLink.objects.exists()


def test_staff_tag_choices_are_their_own(staff_client, staff_owner, stranger):
    mine, _ = TagFactory(owner=staff_owner), TagFactory(owner=stranger)
    form = staff_client.get(_url("contact", "add")).context["adminform"].form
    assert list(form.fields["tags"].queryset) == [mine]


def test_superuser_cannot_give_a_row_to_an_owner_of_other_contacts(admin_client, admin_user, stranger):
    first, second = ContactFactory(owner=admin_user), ContactFactory(owner=admin_user)
    response = admin_client.post(
        _url("contactlink", "add"),
        {"owner": stranger.pk, "from_contact": first.pk, "to_contact": second.pk, "kind": LinkKind.KNOWS},
    )
    assert response.status_code == 200
    assert "from_contact" in response.context["adminform"].form.errors
    assert not ContactLink.objects.exists()


def test_superuser_cannot_move_a_row_to_another_owner(admin_client, owner, stranger):
    link = _link(owner)
    admin_client.post(
        _url("contactlink", "change", link.pk),
        {"owner": stranger.pk, "from_contact": link.from_contact_id, "to_contact": link.to_contact_id,
         "kind": LinkKind.COLLEAGUES},
    )
    link.refresh_from_db()
    assert link.owner == owner


def test_duplicate_tag_name_is_a_form_error_for_staff(staff_client, staff_owner):
    TagFactory(owner=staff_owner, name="rust")
    response = staff_client.post(_url("tag", "add"), {"name": "rust"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Tag.objects.filter(owner=staff_owner, name="rust").count() == 1


def test_second_profile_for_staff_is_a_form_error(staff_client, staff_owner):
    ProfileFactory(owner=staff_owner)
    response = staff_client.post(
        _url("profile", "add"),
        {"time_zone": "UTC", "digest_weekday": 0, "digest_hour": 7, "own_discipline": "engineering",
         "cadence_close": 14, "cadence_peer": 30, "cadence_network": 90, "cadence_dormant": 180},
    )
    assert response.status_code == 200
    assert Profile.objects.filter(owner=staff_owner).count() == 1


def test_archive_action_archives_only_selected_contacts(staff_client, staff_owner, no_schedule_engine):
    chosen, other = ContactFactory(owner=staff_owner), ContactFactory(owner=staff_owner)
    staff_client.post(
        _url("contact", "changelist"),
        {"action": "archive_contacts", "_selected_action": [chosen.pk]},
    )
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.archived, other.archived) == (True, False)
    assert no_schedule_engine == [[chosen.pk]]


def test_unarchive_action_unarchives(staff_client, staff_owner, no_schedule_engine):
    contact = ContactFactory(owner=staff_owner, archived=True)
    staff_client.post(
        _url("contact", "changelist"),
        {"action": "unarchive_contacts", "_selected_action": [contact.pk]},
    )
    contact.refresh_from_db()
    assert contact.archived is False


def test_archive_action_ignores_another_users_contact(staff_client, stranger, no_schedule_engine):
    theirs = ContactFactory(owner=stranger)
    staff_client.post(
        _url("contact", "changelist"),
        {"action": "archive_contacts", "_selected_action": [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.archived is False


def test_contact_search_finds_by_email(admin_client, owner):
    found, _ = _contact(owner), _contact(owner)
    response = admin_client.get(_url("contact", "changelist"), {"q": f"c{found.pk}@example.org"})
    assert [row.pk for row in response.context["cl"].result_list] == [found.pk]


def test_staff_autocomplete_offers_only_their_contacts(staff_client, staff_owner, stranger):
    mine = ContactFactory(owner=staff_owner, name="Ada Mine")
    ContactFactory(owner=stranger, name="Ada Theirs")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "Ada", "app_label": "contacts", "model_name": "contactlink", "field_name": "to_contact"},
    )
    assert [row["id"] for row in response.json()["results"]] == [str(mine.pk)]
