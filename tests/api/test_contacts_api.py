"""/api/v1/contacts/: read and write with emails, phones and tags; filters, search, ordering,
cursor pages; JSON errors that name the field; another user's contact is a 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Circle, Contact
from tests.factories import ContactEmailFactory, ContactFactory, EventFactory, TagFactory


def test_create_a_contact_with_emails_phones_and_tags(api, owner):
    response = api.post("/api/v1/contacts/", {
        "name": "Grace Hopper", "company": "US Navy", "circle": "community", "tier": "peer",
        "emails": [{"email": "Grace@Navy.example", "label": "work"}],
        "phones": [{"number": "+1 555 0101"}], "tags": ["cobol", "Speaker", "speaker"],
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["emails"] == [{"email": "grace@navy.example", "label": "work"}]
    assert body["phones"] == [{"number": "+1 555 0101", "label": ""}]
    assert body["tags"] == ["Speaker", "cobol"]
    contact = Contact.objects.get(owner=owner)
    assert contact.circle == Circle.COMMUNITY
    assert contact.next_follow_up_on is not None  # scheduled like a contact made in the app


def test_kind_and_phonetic_name_are_written_and_searched(api, owner):
    response = api.post("/api/v1/contacts/", {
        "name": "山田工務店", "kind": "organisation", "phonetic_name": "Yamada Kōmuten",
    })
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["phonetic_name"]) == (
        "organisation", "Yamada Kōmuten"
    )
    found = api.get("/api/v1/contacts/", {"q": "komuten"}).json()
    assert [c["name"] for c in found["results"]] == []  # ō is not o: no transliteration
    found = api.get("/api/v1/contacts/", {"q": "yamada"}).json()
    assert [c["name"] for c in found["results"]] == ["山田工務店"]
    assert api.patch(f"/api/v1/contacts/{response.json()['id']}/", {"kind": "robot"}).status_code == 400


def test_patch_changes_only_what_it_names(api, owner):
    contact = ContactFactory(owner=owner, name="Ada", notes="keep me")
    ContactEmailFactory(contact=contact, email="ada@example.org")
    response = api.patch(f"/api/v1/contacts/{contact.pk}/", {"title": "Countess"})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.title, contact.notes) == ("Countess", "keep me")
    assert [e.email for e in contact.emails.all()] == ["ada@example.org"]


def test_errors_name_the_field_and_the_reason(api):
    response = api.post("/api/v1/contacts/", {
        "circle": "moon", "emails": [{"email": "not-an-email"}], "cadence_days": 0})
    assert response.status_code == 400
    errors = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert set(errors) == {"name", "circle", "emails.0.email", "cadence_days"}
    assert "required" in errors["name"]
    assert response.json()["detail"] == "Invalid input."


def test_nul_characters_are_a_field_error_not_a_crash(api):
    response = api.post("/api/v1/contacts/", {"name": "a\u0000b"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


def test_links_to_another_users_rows_are_refused(api, stranger):
    their_event = EventFactory(owner=stranger)
    response = api.post("/api/v1/contacts/", {"name": "x", "met_at": their_event.pk})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "met_at"


def test_another_users_contact_is_a_404_for_every_method(api, stranger):
    theirs = ContactFactory(owner=stranger, name="Secret Person")
    path = f"/api/v1/contacts/{theirs.pk}/"
    for response in (api.get(path), api.patch(path, {"name": "x"}), api.delete(path)):
        assert response.status_code == 404
        assert "Secret" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.name == "Secret Person"


def test_delete_removes_the_contact(api, owner):
    contact = ContactFactory(owner=owner)
    assert api.delete(f"/api/v1/contacts/{contact.pk}/").status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()


def _names(response):
    assert response.status_code == 200, response.json()
    return [c["name"] for c in response.json()["results"]]


def test_filters_by_tag_circle_search_and_archived(api, owner):
    ada = ContactFactory(owner=owner, name="Ada", circle=Circle.COMMUNITY)
    ada.tags.add(TagFactory(owner=owner, name="Speaker"))
    ContactEmailFactory(contact=ContactFactory(owner=owner, name="Grace"), email="g@navy.example")
    ContactFactory(owner=owner, name="Old friend", archived=True)
    assert _names(api.get("/api/v1/contacts/", {"tag": "speaker"})) == ["Ada"]
    assert _names(api.get("/api/v1/contacts/", {"circle": "community"})) == ["Ada"]
    assert _names(api.get("/api/v1/contacts/", {"q": "navy"})) == ["Grace"]
    assert _names(api.get("/api/v1/contacts/", {"archived": "archived"})) == ["Old friend"]
    assert len(_names(api.get("/api/v1/contacts/", {"archived": "all"}))) == 3


def test_updated_since_lists_only_recent_changes(api, owner):
    ContactFactory(owner=owner, name="Old")
    cutoff = timezone.now()
    ContactFactory(owner=owner, name="New")
    assert _names(api.get("/api/v1/contacts/", {"updated_since": cutoff.isoformat()})) == ["New"]


def test_due_lists_contacts_whose_follow_up_has_come(api, owner):
    today = timezone.localdate()
    ContactFactory(owner=owner, name="Due").__class__.objects.filter(name="Due").update(
        next_follow_up_on=today - timedelta(days=1))
    Contact.objects.filter(owner=owner, name="Due").update(next_follow_up_on=today)
    later = ContactFactory(owner=owner, name="Later")
    Contact.objects.filter(pk=later.pk).update(next_follow_up_on=today + timedelta(days=5))
    assert _names(api.get("/api/v1/contacts/", {"due": "true"})) == ["Due"]


def test_a_bad_filter_value_is_a_400_naming_it(api):
    response = api.get("/api/v1/contacts/", {"updated_since": "last tuesday"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "updated_since"


def test_cursor_pages_walk_every_contact_once_in_order(api, owner):
    for i in range(7):
        ContactFactory(owner=owner, name=f"Person {i % 3}")  # ties in the ordering
    seen, url = [], "/api/v1/contacts/?page_size=3&ordering=-name"
    while url:
        body = api.get(url).json()
        seen += [(c["name"], c["id"]) for c in body["results"]]
        url = body["next"]
    assert len(seen) == 7 and len(set(seen)) == 7
    assert [n for n, _ in seen] == sorted((n for n, _ in seen), reverse=True)


def test_the_list_costs_the_same_queries_for_5_or_50_contacts(api, owner):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/contacts/").status_code == 200
        return len(captured)

    api.get("/api/v1/contacts/")  # the token's first use of the minute also notes its time
    for i in range(5):
        contact = ContactFactory(owner=owner)
        ContactEmailFactory(contact=contact)
        contact.tags.add(TagFactory(owner=owner, name=f"t{i}"))
    few = queries()
    assert few == 6  # token, contacts, emails, phones, tags, important dates
    for i in range(45):
        contact = ContactFactory(owner=owner)
        ContactEmailFactory(contact=contact)
        contact.tags.add(TagFactory(owner=owner, name=f"u{i}"))
    assert queries() == few


@pytest.mark.parametrize("path", ["/api/v1/contacts/", "/api/v1/interactions/",
                                  "/api/v1/supports/", "/api/v1/events/",
                                  "/api/v1/mentorships/", "/api/v1/follow-ups/"])
def test_every_list_answers_a_json_page(api, path):
    body = api.get(path).json()
    assert set(body) == {"next", "previous", "results"}


@pytest.mark.parametrize("params, field", [
    ({"ordering": "AAA"}, "ordering"),
    ({"page_size": "null"}, "page_size"),
    ({"page_size": "0"}, "page_size"),
    ({"circle": ""}, "circle"),
    ({"updated_since": "0923-10-22T03:04:12+21:06"}, None),  # valid ISO 8601: taken in UTC
])
def test_query_parameters_are_checked_as_the_schema_says(api, params, field):
    response = api.get("/api/v1/contacts/", params)
    if field is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "archived": 0}, "archived"),
    ({"name": 0}, "name"),
    ({"name": "x", "tags": [0]}, "tags.0"),
    ({"name": "x", "phones": [{"label": "home"}]}, "phones.0.number"),
])
def test_json_types_are_taken_as_the_schema_says(api, owner, body, field):
    response = api.post("/api/v1/contacts/", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_a_patch_with_an_email_row_missing_its_address_is_a_400(api, owner):
    contact = ContactFactory(owner=owner)
    response = api.patch(f"/api/v1/contacts/{contact.pk}/", {"emails": [{"label": "work"}]})
    assert response.status_code == 400


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.delete("/api/v1/contacts/null,null/")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such API route."


@pytest.mark.parametrize("value, status", [("true", 200), ("false", 200), ("null", 400)])
def test_boolean_filters_take_true_or_false(api, value, status):
    assert api.get("/api/v1/contacts/", {"due": value}).status_code == status
