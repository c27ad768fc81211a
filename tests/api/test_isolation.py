"""Every API route that names an object, found by walking the URLconf, tried by a second
user's access token on the first user's ids with every method: 404 or 405, never data, and
nothing changed."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import TokenScope
from api.tokens import create_access_token
from contacts.models import Contact, Event
from interactions.models import FollowUp, Interaction, Mentorship, Support
from tests.api.conftest import ApiClient
from tests.test_isolation import _build_world
from tests.factories import UserFactory


def _api_routes():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.pattern.converters:
                    yield f"api:{pattern.name}"


API_OBJECT_ROUTES = sorted(set(_api_routes()))


def test_the_walk_finds_every_resource():
    assert {"api:contact-detail", "api:interaction-detail", "api:support-detail",
            "api:event-detail", "api:mentorship-detail", "api:followup-detail",
            "api:followup-done", "api:followup-snooze", "api:followup-dismiss"} <= set(
        API_OBJECT_ROUTES)


MODELS = {"contact": Contact, "interaction": Interaction, "followup": FollowUp,
          "event": Event, "mentorship": Mentorship, "support": Support}


@pytest.fixture
def world(db):
    owner, stranger = UserFactory(username="owner"), UserFactory(username="stranger")
    _build_world(owner)
    _build_world(stranger)
    token = create_access_token(stranger, "stranger", TokenScope.WRITE)[1]
    return owner, ApiClient(token)


def _snapshot(owner):
    return (
        list(Contact.objects.filter(owner=owner).values_list("pk", "name", "updated_at")),
        list(Interaction.objects.filter(owner=owner).values_list("pk", "updated_at")),
        list(FollowUp.objects.filter(owner=owner).values_list("pk", "status", "due_on")),
    )


@pytest.mark.parametrize("name", API_OBJECT_ROUTES)
def test_a_strangers_token_gets_404_on_every_object_route(name, world):
    owner, stranger_api = world
    model = MODELS[name.split(":")[1].split("-")[0]]
    ids = list(model.objects.filter(owner=owner).values_list("pk", flat=True))
    assert ids, f"no {model.__name__} in the test world"
    before = _snapshot(owner)
    for pk in ids:
        url = reverse(name, kwargs={"pk": pk})
        for response in (
            stranger_api.get(url),
            stranger_api.post(url, {"until": "2099-01-01"}),
            stranger_api.patch(url, {"name": "pwned", "summary": "pwned"}),
            stranger_api.put(url, {"name": "pwned"}),
            stranger_api.delete(url),
        ):
            assert response.status_code in (404, 405), (url, response.status_code)
            assert b"owner contact" not in response.content
    assert _snapshot(owner) == before


def test_a_strangers_lists_hold_none_of_the_owners_rows(world):
    owner, stranger_api = world
    for path in ("/api/v1/contacts/?archived=all", "/api/v1/interactions/", "/api/v1/supports/",
                 "/api/v1/events/", "/api/v1/mentorships/", "/api/v1/follow-ups/?status=all"):
        body = stranger_api.get(path).content
        assert b"owner contact" not in body and b"owner other" not in body
