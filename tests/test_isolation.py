"""Every URL that names an object, found by walking the URL configuration (so new views are
covered without editing this file), is requested by a second user on the first user's objects:
404 or 403, never data. Every such URL refuses a POST without a CSRF token.
"""

import itertools
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from allauth.mfa.models import Authenticator

from api.models import WebhookDelivery
from api.tokens import create_access_token
from api.webhooks.services import create_webhook
from carddav.auth import create_app_password
from carddav.sync import reconcile
from contacts.models import ContactLink, LinkKind
from interactions.models import Direction, SupportKind
from tests.accounts.helpers import add_passkey
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
    TagFactory,
    UserFactory,
)

# Public by design: the secret in the URL is the credential, and each has its own tests.
TOKEN_URLS = {
    "calendar_feed": (
        "the iCalendar feed; its token is the secret (tests/interactions/calendar_feed/)"
    ),
    "digest:action": "signed one-click digest links (tests/interactions/digests/test_views.py)",
    "digest:unsubscribe": "signed RFC 8058 unsubscribe (tests/interactions/digests/test_views.py)",
    # Steps of signing in with the identity provider: no user's object in them.
    "openid_connect_login": "single sign-on's start (tests/accounts/test_adapters.py)",
    "openid_connect_callback": "single sign-on's return (tests/accounts/test_adapters.py)",
    # CardDAV signs in with HTTP Basic and an app password, never the session.
    "carddav:principal": "HTTP Basic with app passwords (tests/carddav/test_isolation.py)",
    "carddav:addressbook": "HTTP Basic with app passwords (tests/carddav/test_isolation.py)",
    "carddav:card": "HTTP Basic with app passwords (tests/carddav/test_isolation.py)",
}
# Values for non-numeric URL parameters.
WORD_VALUES = {
    "kind": ["congratulated", "shared_article", "thanked"],
    "fmt": ["json", "csv", "vcard"],
    "format": ["json", "csv", "vcard"],
    "source_kind": ["ical", "caldav", "imap"],
}


def _word_values(key):
    if key == "card":
        from interactions.dashboard.views import CARDS

        return sorted(CARDS)
    return WORD_VALUES.get(key, ["x"])


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin has its own owner-scoping tests
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", getattr(entry.pattern, "converters", {})


ALL_URLS = dict(_walk(get_resolver().url_patterns))
OBJECT_URLS = sorted((name, conv) for name, conv in ALL_URLS.items() if conv)
PAGE_URLS = sorted(name for name, conv in ALL_URLS.items() if not conv)


def _build_world(user):
    """One of everything a user can own, so each object URL has something to point at."""
    contact = ContactFactory(owner=user, name=f"{user.username} contact")
    other = ContactFactory(owner=user, name=f"{user.username} other")
    ContactEmailFactory(contact=contact)
    tag = TagFactory(owner=user, name="vip")
    contact.tags.add(tag)
    event = EventFactory(owner=user)
    event.people_met.add(contact)
    ContactLink.objects.create(owner=user, from_contact=contact, to_contact=other, kind=LinkKind.COLLEAGUES)
    interaction = InteractionFactory(owner=user, contacts=[contact], follow_up_on=timezone.localdate())
    SupportFactory(owner=user, contact=contact, interaction=interaction)
    SupportFactory(owner=user, contact=contact, intro_to=other, kind=SupportKind.INTRO, direction=Direction.GIVE)
    MentorshipFactory(owner=user, mentee=contact)
    FollowUpFactory(owner=user, contact=contact, due_on=timezone.localdate() - timedelta(days=1))
    add_passkey(user, f"{user.username} contact key")
    _build_capture_world(user, contact)
    # Reminders on chat and push: a channel with a test delivery (notifications/).
    from notifications.models import Channel, ChannelKind, Delivery

    channel = Channel.objects.create(
        owner=user, kind=ChannelKind.APPRISE, url=f"json://127.0.0.1:9/{user.username}"
    )
    Delivery.objects.create(owner=user, channel=channel, next_attempt_at=timezone.now())
    # API tokens, webhooks with a delivery, app passwords and cards (api/, carddav/).
    create_access_token(user, f"{user.username} token")
    hook = create_webhook(user, "https://hooks.example.com/in", ["interaction.logged"])
    WebhookDelivery.objects.create(
        owner=user, webhook=hook, event="interaction.logged", event_key="k", payload={}
    )
    create_app_password(user, f"{user.username} phone")
    reconcile(user)
    # A finished restore of a JSON export (interactions/backup/), named so a leak shows.
    from interactions.backup.models import RestoreJob, RestoreStatus

    RestoreJob.objects.create(
        owner=user, original_name=f"{user.username} contact.json", status=RestoreStatus.DONE,
        counts={"contacts": 2},
    )


def _signed_in(user, **kwargs) -> Client:
    """A client of `user` who also typed their password again just now, so that pages asking
    for it (changing two-factor) answer instead of asking."""
    client = Client(**kwargs)
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "username": user.username, "reauthenticated": True}
    ]
    session.save()
    return client


def _build_capture_world(user, contact):
    from capture import services as capture_services
    from capture.models import RuleAction, SourceKind, Suggestion

    source = capture_services.save_source(
        user, SourceKind.ICAL, {"name": "Work", "url": "https://calendar.invalid/secret.ics"}
    )
    now = timezone.now()
    for n in range(2):  # one to log, one to dismiss
        suggestion = Suggestion.objects.create(
            owner=user, source=source, key=f"event:{user.pk}-{n}", origin="meeting",
            title=f"{user.username} contact sync", occurred_at=now - timedelta(hours=2),
            ends_at=now - timedelta(hours=1),
            new_people=[{"email": f"new-{user.username}@x.example", "name": f"{user.username} contact"}],
        )
        suggestion.contacts.add(contact)
    capture_services.save_rule(user, action=RuleAction.ALWAYS_LOG, contact=contact)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _candidates(converters, world_ids):
    keys = list(converters)
    values = []
    for key in keys:
        converter = type(converters[key]).__name__
        if converter == "IntConverter":
            values.append(world_ids)
        else:
            values.append(_word_values(key))
    for combo in itertools.product(*values):
        yield dict(zip(keys, combo))


@pytest.fixture
def worlds(db):
    owner = UserFactory(username="owner")
    stranger = UserFactory(username="stranger")
    _build_world(owner)
    _build_world(stranger)
    from django.apps import apps

    # The ids of the owner's rows in every owned table: what a stranger might try.
    ids = set()
    for app_label in ("contacts", "interactions", "capture", "notifications", "webapp", "api", "carddav"):
        for model in apps.get_app_config(app_label).get_models():
            if any(f.name == "owner" for f in model._meta.fields):
                ids |= set(model.objects.filter(owner=owner).values_list("pk", flat=True))
    ids |= set(Authenticator.objects.filter(user=owner).values_list("pk", flat=True))
    return owner, stranger, sorted(ids)


def test_the_walk_finds_object_urls():
    names = [name for name, _ in OBJECT_URLS]
    assert "contacts:detail" in names
    assert len(names) >= 10


@pytest.mark.parametrize("name, converters", OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
def test_second_user_gets_404_on_every_object_url(name, converters, worlds):
    if name in TOKEN_URLS:
        pytest.skip(TOKEN_URLS[name])
    owner, stranger, world_ids = worlds
    owner_client, stranger_client = _signed_in(owner), _signed_in(stranger)

    owner_reached = False
    for kwargs in _candidates(converters, world_ids):
        url = reverse(name, kwargs=kwargs)
        # The stranger may also own a row with this id; only the owner's rows are in question.
        stranger_get = stranger_client.get(url)
        owner_get = owner_client.get(url)
        if owner_get.status_code < 400 or owner_get.status_code == 405:
            owner_reached = True
        for response in (stranger_get, stranger_client.post(url, {})):
            if response.status_code < 400:
                body = _body(response)
                assert "owner contact" not in body and "owner other" not in body, (
                    f"{url} showed the owner's data to the stranger"
                )
    assert owner_reached, f"no object in the test world answers {name}; extend _build_world"


@pytest.mark.parametrize("name, converters", OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
def test_post_without_csrf_token_is_refused(name, converters, worlds):
    if name in TOKEN_URLS:
        pytest.skip(TOKEN_URLS[name])
    owner, _, world_ids = worlds
    strict = _signed_in(owner, enforce_csrf_checks=True)
    kwargs = next(_candidates(converters, world_ids))
    response = strict.post(reverse(name, kwargs=kwargs), {})
    assert response.status_code in (403, 405), f"{name} accepted a POST without a CSRF token"


@pytest.mark.parametrize("name", PAGE_URLS)
def test_pages_without_ids_never_show_another_users_rows(name, worlds):
    owner, stranger, world_ids = worlds
    stranger_client = _signed_in(stranger)
    url = reverse(name)
    for response in (stranger_client.get(url), stranger_client.get(url, {"contact": world_ids[0], "q": "contact"})):
        body = _body(response)
        assert "owner contact" not in body and "owner other" not in body, f"{url} leaked the owner's rows"


@pytest.mark.parametrize("name", PAGE_URLS)
def test_pages_without_ids_refuse_a_post_without_csrf_token(name, worlds):
    owner, _, _ = worlds
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post(reverse(name), {})
    # 401: an endpoint that signs in by HTTP Basic only (CardDAV) ignores the session cookie.
    assert response.status_code in (401, 403, 405), f"{name} accepted a POST without a CSRF token"
