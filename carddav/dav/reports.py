"""CardDAV REPORTs on the address book: addressbook-multiget and addressbook-query (RFC 6352
§8.6–8.7) and sync-collection (RFC 6578)."""

from urllib.parse import unquote, urlsplit

from django.http import HttpResponse

from ..cards import render_cards
from ..models import Card
from ..selectors import cards_with_times
from ..sync import parse_sync_token, sync_token
from . import props
from .query import card_matches, parse_filter
from .xml import CARD, DAV, add_response, element, error_response, multistatus, qname, xml_response

C = props.C
D = props.D


def _address_data_version(root, default: str | None) -> str | None:
    """The vCard version asked for in <address-data version="…"> inside <prop>, if any."""
    for node in root.iter(C("address-data")):
        version = node.get("version")
        if version in ("3.0", "4.0"):
            return version
    return default


def _wanted(root) -> list[str]:
    prop = root.find(D("prop"))
    return [child.tag for child in prop] if prop is not None else [D("getetag")]


def _respond(place, cards: list[Card], wanted: list[str], version, ms) -> None:
    texts = render_cards(cards, version) if C("address-data") in wanted else {}

    def text_for(card):
        if card.pk not in texts:
            texts.update(render_cards([card], version))
        return texts.get(card.pk, "")

    for card in cards:
        available = props.card_props(place, card, text_for)
        available[C("address-data")] = lambda card=card: text_for(card)
        found, missing = props.answer(available, "card", "prop", wanted)
        add_response(ms, place.card(card.name), found, missing)


def report(request, place, root, version_default) -> HttpResponse:
    kind = root.tag
    if kind == C("addressbook-multiget"):
        return multiget(request, place, root, version_default)
    if kind == C("addressbook-query"):
        return query(request, place, root, version_default)
    if kind == D("sync-collection"):
        return sync_collection(request, place, root, version_default)
    return error_response(403, DAV, "supported-report")


def _card_name(place, path: str) -> str | None:
    path = unquote(urlsplit(path.strip()).path)
    book = place.book
    if not path.startswith(book) or "/" in path[len(book):]:
        return None
    return path[len(book):] or None


def multiget(request, place, root, version_default) -> HttpResponse:
    hrefs = [node.text or "" for node in root.findall(D("href"))]
    names = {}
    for path in hrefs:
        names[path] = _card_name(place, path)
    cards = {
        c.name: c
        for c in cards_with_times(place.user).filter(
            name__in=[n for n in names.values() if n], deleted=False
        )
    }
    ms = multistatus()
    wanted = _wanted(root)
    version = _address_data_version(root, version_default)
    found = [cards[n] for n in dict.fromkeys(names.values()) if n in cards]
    _respond(place, found, wanted, version, ms)
    for path, name in names.items():
        if name not in cards:
            add_response(ms, urlsplit(path.strip()).path, status=404)
    return xml_response(ms)


def query(request, place, root, version_default) -> HttpResponse:
    try:
        test = parse_filter(root.find(C("filter")))
    except ValueError:
        return error_response(403, CARD, "supported-filter")
    limit = None
    node = root.find(f"{C('limit')}/{C('nresults')}")
    if node is not None and (node.text or "").strip().isdigit():
        limit = int(node.text.strip())
    cards = list(cards_with_times(place.user).filter(deleted=False).order_by("pk"))
    texts = render_cards(cards, "4.0")
    matched = [c for c in cards if c.pk in texts and card_matches(texts[c.pk], test)]
    ms = multistatus()
    truncated = limit is not None and len(matched) > limit
    if truncated:
        matched = matched[:limit]
    _respond(place, matched, _wanted(root), _address_data_version(root, version_default), ms)
    if truncated:  # RFC 5323 §5.17 style: the rest was left out.
        add_response(ms, place.book, status=507)
    return xml_response(ms)


def sync_collection(request, place, root, version_default) -> HttpResponse:
    token_node = root.find(D("sync-token"))
    token = (token_node.text or "").strip() if token_node is not None else ""
    cards = cards_with_times(place.user)
    if token:
        since = parse_sync_token(token)
        if since is None or since > place.book_revision:
            return error_response(403, DAV, "valid-sync-token")
        changed = list(cards.filter(revision__gt=since).order_by("revision", "pk"))
    else:  # initial sync: everything there is, no tombstones
        changed = list(cards.filter(deleted=False).order_by("pk"))
    node = root.find(f"{D('limit')}/{D('nresults')}")
    if node is not None and (node.text or "").strip().isdigit():
        if len(changed) > int(node.text.strip()):
            # RFC 6578 §3.7: results are not paged here; the client asks without a limit.
            return error_response(507, DAV, "number-of-matches-within-limits")
    ms = multistatus()
    revision = place.book_revision
    live = [c for c in changed if not c.deleted]
    _respond(place, live, _wanted(root), _address_data_version(root, version_default), ms)
    for card in changed:
        if card.deleted:
            add_response(ms, place.card(card.name), status=404)
    ms.append(element(D("sync-token"), sync_token(revision)))
    return xml_response(ms)
