"""The CardDAV endpoints: the server root, the user's principal (also the address book home),
the address book and its cards. Every request signs in with HTTP Basic and an app password;
another user's paths answer 404. No session, so no CSRF: a browser cookie opens nothing here."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .. import cards as card_service
from ..auth import REALM, Refused, authenticate
from ..selectors import cards_with_times
from ..sync import reconcile
from ..vcard.syntax import InvalidCard
from . import props
from .reports import report
from .xml import (
    CARD,
    DAV,
    BadBody,
    add_response,
    element,
    error_response,
    href,
    multistatus,
    parse_body,
    qname,
    requested_props,
    status_line,
    xml_response,
)

DAV_CLASSES = "1, 3, addressbook"
ALLOW = {
    "collection": "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, REPORT",
    "card": "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH",
}
VCARD_TYPES = {"text/vcard", "text/x-vcard", "text/directory", ""}


def _options(kind: str) -> HttpResponse:
    response = HttpResponse(status=200)
    response["DAV"] = DAV_CLASSES
    response["Allow"] = ALLOW[kind]
    return response


def _refused(refusal: Refused) -> HttpResponse:
    if refusal.status == 429:
        response = HttpResponse("Too many failed sign-ins; try again later.\n", status=429,
                                content_type="text/plain")
        response["Retry-After"] = str(refusal.retry_after)
        return response
    response = HttpResponse("Sign in with your username and an app password.\n", status=401,
                            content_type="text/plain")
    response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def dav_endpoint(kind: str):
    """Sign in, check the path is the user's own, bring the address book's revisions up to
    date (locked for the request), then run the method's handler."""

    def decorate(handler):
        @csrf_exempt
        @login_not_required
        @wraps(handler)
        def view(request, username=None, **kwargs):
            if request.method == "OPTIONS":
                return _options(kind)
            try:
                user = authenticate(request)
            except Refused as refusal:
                return _refused(refusal)
            if username is not None and username != user.get_username():
                return HttpResponse(status=404)
            try:
                with transaction.atomic():
                    book = reconcile(user)
                    place = props.Place(user, book.revision)
                    response = handler(request, place, **kwargs)
            except BadBody:
                return HttpResponse("The request body is not well-formed XML.\n", status=400,
                                    content_type="text/plain")
            response["DAV"] = DAV_CLASSES
            return response

        return view

    return decorate


def _depth(request) -> int:
    depth = request.META.get("HTTP_DEPTH", "infinity").strip().lower()
    return 0 if depth == "0" else 1


def _propfind(request, resources) -> HttpResponse:
    """`resources`: [(path, kind, available properties)] with the target first."""
    mode, names = requested_props(parse_body(request))
    ms = multistatus()
    for path, kind, available in resources:
        found, missing = props.answer(available, kind, mode, names)
        add_response(ms, path, found, missing)
    return xml_response(ms)


def _proppatch(request, path: str) -> HttpResponse:
    """Nothing here is writable by a client: each property asked for is refused (403)."""
    root = parse_body(request)
    ms = multistatus()
    names = [] if root is None else [p.tag for node in root for prop in node for p in prop]
    response = add_response(ms, path)
    if names:
        response.append(
            element(
                qname(DAV, "propstat"),
                children=[
                    element(qname(DAV, "prop"), children=[element(n) for n in names]),
                    element(qname(DAV, "status"), status_line(403)),
                ],
            )
        )
    return xml_response(ms)


def _not_allowed(kind: str) -> HttpResponse:
    response = HttpResponse(status=405)
    response["Allow"] = ALLOW[kind]
    return response


def _text(message: str) -> HttpResponse:
    return HttpResponse(message, content_type="text/plain; charset=utf-8")


@login_not_required
def well_known(request):
    """RFC 6764: clients given only the server's address find the DAV root here."""
    return HttpResponseRedirect(reverse("carddav:root"), status=301)


@dav_endpoint("collection")
def root(request, place):
    if request.method == "PROPFIND":
        resources = [(place.root, "root", props.root_props(place))]
        if _depth(request):
            resources.append((place.principal, "principal", props.principal_props(place)))
        return _propfind(request, resources)
    if request.method in ("GET", "HEAD"):
        return _text(f"network_crm CardDAV. Your address book: {place.book}\n")
    if request.method == "PROPPATCH":
        return _proppatch(request, place.root)
    return _not_allowed("collection")


@dav_endpoint("collection")
def principal(request, place):
    if request.method == "PROPFIND":
        resources = [(place.principal, "principal", props.principal_props(place))]
        if _depth(request):
            resources.append((place.book, "book", props.book_props(place)))
        return _propfind(request, resources)
    if request.method in ("GET", "HEAD"):
        return _text(f"Address book of {place.username}: {place.book}\n")
    if request.method == "PROPPATCH":
        return _proppatch(request, place.principal)
    return _not_allowed("collection")


def _version_from_accept(request) -> str | None:
    accept = request.META.get("HTTP_ACCEPT", "")
    if "version=4.0" in accept.replace(" ", "") or "version=\"4.0\"" in accept:
        return "4.0"
    if "version=3.0" in accept.replace(" ", "") or "version=\"3.0\"" in accept:
        return "3.0"
    return None


@dav_endpoint("collection")
def addressbook(request, place):
    if request.method == "PROPFIND":
        resources = [(place.book, "book", props.book_props(place))]
        if _depth(request):
            live = list(cards_with_times(place.user).filter(deleted=False).order_by("pk"))
            texts = {}

            def text_for(card):
                if card.pk not in texts:
                    texts.update(card_service.render_cards(live))
                return texts.get(card.pk, "")

            resources += [
                (place.card(c.name), "card", props.card_props(place, c, text_for)) for c in live
            ]
        return _propfind(request, resources)
    if request.method == "REPORT":
        root_node = parse_body(request)
        if root_node is None:
            return HttpResponse("A REPORT needs a body.\n", status=400, content_type="text/plain")
        return report(request, place, root_node, _version_from_accept(request))
    if request.method in ("GET", "HEAD"):
        live = list(cards_with_times(place.user).filter(deleted=False).order_by("pk"))
        texts = card_service.render_cards(live, _version_from_accept(request))
        response = HttpResponse("".join(texts.values()), content_type="text/vcard; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="contacts.vcf"'
        return response
    if request.method == "PROPPATCH":
        return _proppatch(request, place.book)
    return _not_allowed("collection")


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _precondition_failed(request, card) -> bool:
    """If-Match / If-None-Match (RFC 9110 §13.1) against the card's current ETag."""
    if_match = request.META.get("HTTP_IF_MATCH")
    if if_match is not None:
        tags = _etags(if_match)
        if card is None or ("*" not in tags and card.etag not in tags):
            return True
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None and request.method not in ("GET", "HEAD"):
        tags = _etags(if_none_match)
        if card is not None and ("*" in tags or card.etag in tags):
            return True
    return False


@dav_endpoint("card")
def card(request, place, name):
    existing = cards_with_times(place.user).filter(name=name).first()
    live = existing if existing is not None and not existing.deleted else None
    if request.method in ("GET", "HEAD"):
        if live is None:
            return HttpResponse(status=404)
        if live.etag in _etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
            response = HttpResponse(status=304)
        else:
            version = _version_from_accept(request)
            text = card_service.render_cards([live], version).get(live.pk, "")
            response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
        response["ETag"] = live.etag
        return response
    if request.method == "PROPFIND":
        if live is None:
            return HttpResponse(status=404)
        return _propfind(request, [
            (place.card(live.name), "card",
             props.card_props(place, live, lambda c: card_service.render_cards([c]).get(c.pk, "")))
        ])
    if request.method == "PUT":
        return _put(request, place, name, existing, live)
    if request.method == "DELETE":
        if live is None:
            return HttpResponse(status=404)
        if _precondition_failed(request, live):
            return HttpResponse(status=412)
        card_service.delete_card(place.user, live)
        return HttpResponse(status=204)
    if request.method == "PROPPATCH":
        return _proppatch(request, place.card(name))
    return _not_allowed("card")


def _put(request, place, name, existing, live) -> HttpResponse:
    if _precondition_failed(request, live):
        return HttpResponse(status=412)
    content_type = request.content_type.lower() if request.content_type else ""
    if content_type not in VCARD_TYPES:
        return HttpResponse("Send a vCard (text/vcard).\n", status=415, content_type="text/plain")
    if len(request.body) > props.MAX_RESOURCE_SIZE:
        return error_response(403, CARD, "max-resource-size")
    try:
        text = request.body.decode(request.encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return error_response(403, CARD, "supported-address-data")
    try:
        card_service.put_card(place.user, name, text, existing)
    except InvalidCard:
        return error_response(403, CARD, "valid-address-data")
    except card_service.UidConflict as conflict:
        return error_response(
            409, CARD, "no-uid-conflict", children=[href(place.card(conflict.card.name))]
        )
    # No ETag: the stored card is rendered from the contact, not the bytes sent (RFC 6352
    # §6.3.2.3), so the client fetches it again.
    return HttpResponse(status=204 if live is not None else 201)
