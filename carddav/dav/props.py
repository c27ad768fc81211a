"""The properties each DAV resource answers in PROPFIND and REPORT: the server root, the
user's principal (which is also the address book home), the address book and its cards."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import http_date

from ..sync import sync_token
from .xml import CARD, CS, DAV, element, href, qname

D = lambda name: qname(DAV, name)  # noqa: E731
C = lambda name: qname(CARD, name)  # noqa: E731

MAX_RESOURCE_SIZE = 1_000_000
REPORTS = [(CARD, "addressbook-query"), (CARD, "addressbook-multiget"), (DAV, "sync-collection")]


@dataclass
class Place:
    """Paths of one user's DAV resources, and what the request is about."""

    user: object
    book_revision: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def username(self) -> str:
        return self.user.get_username()

    @property
    def root(self) -> str:
        return reverse("carddav:root")

    @property
    def principal(self) -> str:
        return reverse("carddav:principal", kwargs={"username": self.username})

    @property
    def book(self) -> str:
        return reverse("carddav:addressbook", kwargs={"username": self.username})

    def card(self, name: str) -> str:
        return reverse("carddav:card", kwargs={"username": self.username, "name": name})


def _privileges(*names) -> list:
    return [element(D("privilege"), children=[element(D(n))]) for n in names]


def _common(place: Place) -> dict:
    return {
        D("current-user-principal"): lambda: [href(place.principal)],
        D("principal-collection-set"): lambda: [href(place.root)],
        C("addressbook-home-set"): lambda: [href(place.principal)],
    }


def root_props(place: Place) -> dict:
    return {
        **_common(place),
        D("resourcetype"): lambda: [element(D("collection"))],
        D("displayname"): lambda: "network_crm",
        D("current-user-privilege-set"): lambda: _privileges("read"),
    }


def principal_props(place: Place) -> dict:
    return {
        **_common(place),
        D("resourcetype"): lambda: [element(D("collection")), element(D("principal"))],
        D("displayname"): lambda: place.user.get_full_name() or place.username,
        D("principal-URL"): lambda: [href(place.principal)],
        D("owner"): lambda: [href(place.principal)],
        D("current-user-privilege-set"): lambda: _privileges("read"),
        D("supported-report-set"): lambda: [],
    }


def book_props(place: Place) -> dict:
    revision = place.book_revision
    return {
        **_common(place),
        D("resourcetype"): lambda: [element(D("collection")), element(C("addressbook"))],
        D("displayname"): lambda: "Contacts",
        C("addressbook-description"): lambda: "Your network_crm contacts",
        D("owner"): lambda: [href(place.principal)],
        D("current-user-privilege-set"): lambda: _privileges(
            "read", "write", "write-content", "bind", "unbind", "read-current-user-privilege-set"
        ),
        D("supported-report-set"): lambda: [
            element(
                D("supported-report"), children=[element(D("report"), children=[element(qname(ns, n))])]
            )
            for ns, n in REPORTS
        ],
        C("supported-address-data"): lambda: [
            element(C("address-data-type"), **{"content-type": "text/vcard", "version": v})
            for v in ("3.0", "4.0")
        ],
        C("max-resource-size"): lambda: str(MAX_RESOURCE_SIZE),
        D("sync-token"): lambda: sync_token(revision),
        qname(CS, "getctag"): lambda: str(revision),
        D("getetag"): lambda: f'"book-{revision}"',
    }


def card_props(place: Place, card, text_for) -> dict:
    """`text_for(card)` renders the card: only asked for when a property needs its content."""
    return {
        D("resourcetype"): lambda: [],
        D("getetag"): lambda: card.etag,
        D("getcontenttype"): lambda: "text/vcard; charset=utf-8",
        D("getlastmodified"): lambda: http_date(card.modified_at.timestamp()),
        D("getcontentlength"): lambda: str(len(text_for(card).encode())),
        D("current-user-principal"): lambda: [href(place.principal)],
    }


ALLPROP = {
    "root": [D("resourcetype"), D("displayname"), D("current-user-principal")],
    "principal": [D("resourcetype"), D("displayname"), D("current-user-principal")],
    "book": [D("resourcetype"), D("displayname"), D("sync-token"), qname(CS, "getctag")],
    "card": [D("resourcetype"), D("getetag"), D("getcontenttype"), D("getlastmodified")],
}


def answer(available: dict, kind: str, mode: str, names: list[str]) -> tuple[list, list]:
    """(found property elements, missing names) for a PROPFIND of `mode` on one resource."""
    if mode == "propname":
        return [element(name) for name in available], []
    wanted = ALLPROP[kind] if mode == "allprop" else names
    found, missing = [], []
    for name in wanted:
        make = available.get(name)
        if make is None:
            missing.append(name)
            continue
        value = make()
        found.append(element(name, value) if isinstance(value, str) else element(name, children=value))
    return found, missing
