"""WebDAV XML (RFC 4918): reading request bodies safely and writing multistatus answers."""

from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.http import HttpResponse

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
for _prefix, _uri in (("d", DAV), ("card", CARD), ("cs", CS)):
    ET.register_namespace(_prefix, _uri)

STATUS_TEXT = {200: "OK", 403: "Forbidden", 404: "Not Found", 424: "Failed Dependency"}


def qname(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


class BadBody(ValueError):
    """The request body is not well-formed XML (or is hostile: entities, DTDs)."""


def parse_body(request):
    """The request's XML root element, or None for an empty body."""
    body = request.body
    if not body.strip():
        return None
    try:
        return SafeET.fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise BadBody(str(exc)) from None


def element(tag: str, text: str | None = None, children=(), **attrs) -> ET.Element:
    node = ET.Element(tag, attrs)
    if text is not None:
        node.text = text
    node.extend(children)
    return node


def href(path: str) -> ET.Element:
    """An href from a path that is already URI-encoded (what reverse() gives, or the client
    sent): encoding it again would turn "%20" into "%2520"."""
    return element(qname(DAV, "href"), path)


def status_line(code: int) -> str:
    return f"HTTP/1.1 {code} {STATUS_TEXT.get(code, '')}".rstrip()


def multistatus() -> ET.Element:
    return element(qname(DAV, "multistatus"))


def add_response(ms: ET.Element, path: str, found=(), missing=(), status: int | None = None):
    """One <response>: `found` property elements under 200, `missing` names under 404, or a
    bare `status` for the whole resource (a deleted card in a sync report)."""
    response = element(qname(DAV, "response"), children=[href(path)])
    if status is not None:
        response.append(element(qname(DAV, "status"), status_line(status)))
    for code, props in ((200, list(found)), (404, [element(n) for n in missing])):
        if props:
            response.append(
                element(
                    qname(DAV, "propstat"),
                    children=[
                        element(qname(DAV, "prop"), children=props),
                        element(qname(DAV, "status"), status_line(code)),
                    ],
                )
            )
    ms.append(response)
    return response


def xml_response(root: ET.Element, status: int = 207) -> HttpResponse:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, status=status, content_type="application/xml; charset=utf-8")


def error_response(status: int, ns: str, condition: str, children=()) -> HttpResponse:
    """A precondition failure (RFC 4918 §16): <d:error><condition/></d:error>."""
    condition_node = element(qname(ns, condition), children=children)
    return xml_response(element(qname(DAV, "error"), children=[condition_node]), status)


def requested_props(root) -> tuple[str, list[str]]:
    """From a PROPFIND (or REPORT) body: ("prop", names), ("allprop", []) or ("propname", [])."""
    if root is None:
        return "allprop", []
    prop = root.find(qname(DAV, "prop"))
    if prop is not None:
        return "prop", [child.tag for child in prop]
    if root.find(qname(DAV, "propname")) is not None:
        return "propname", []
    return "allprop", []
