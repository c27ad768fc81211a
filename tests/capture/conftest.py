"""Fixtures of the capture tests: the calendar host, a dovecot, the owner's contacts Ana and
Jonas (by their addresses), and sources of each kind."""

import pytest

from capture import services
from capture.models import ImapSecurity, SourceKind
from tests.factories import ContactEmailFactory, ContactFactory, ProfileFactory, UserFactory

from .calendars import ANA, JONAS, ME
from .servers import CalendarHost, Dovecot


@pytest.fixture
def calendar_host():
    host = CalendarHost().start()
    yield host
    host.stop()


@pytest.fixture
def dovecot():
    server = Dovecot(username=ME).start()
    yield server
    server.stop()


@pytest.fixture
def me(db):
    user = UserFactory(username="me", email="someone-else@example.com")
    ProfileFactory(owner=user, time_zone="Europe/Berlin")
    return user


@pytest.fixture
def ana(me):
    contact = ContactFactory(owner=me, name="Ana Alves")
    ContactEmailFactory(contact=contact, email=ANA)
    return contact


@pytest.fixture
def jonas(me):
    contact = ContactFactory(owner=me, name="Jonas Jung")
    ContactEmailFactory(contact=contact, email=JONAS)
    return contact


@pytest.fixture
def ical_source(me, calendar_host):
    def make(path="/work.ics", name="Work calendar"):
        return services.save_source(
            me, SourceKind.ICAL, {"name": name, "url": f"{calendar_host.url}{path}"}
        )

    return make


@pytest.fixture
def imap_source(me, dovecot):
    def make(**overrides):
        data = {
            "name": "Mail",
            "host": "127.0.0.1",
            "port": dovecot.port,
            "security": ImapSecurity.NONE,
            "username": dovecot.username,
            "password": dovecot.password,
            "inbox_folder": "INBOX",
            "sent_folder": "Sent",
            "log_address": "",
            **overrides,
        }
        return services.save_source(me, SourceKind.IMAP, data)

    return make


def read_now(source):
    """Read a source as the worker does: claim it, then read under the claim."""
    claimed = services.claim_source(source.pk, force=True)
    assert claimed, "the source could not be claimed"
    return services.read_claimed_source(*claimed)
