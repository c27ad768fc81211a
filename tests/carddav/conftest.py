"""A DAV client signed in as the owner with an app password, and helpers for raw requests."""

import base64
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from carddav.auth import create_app_password

NS = {"d": "DAV:", "card": "urn:ietf:params:xml:ns:carddav", "cs": "http://calendarserver.org/ns/"}


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class DavClient:
    """Raw WebDAV requests through Django's test client, with Basic auth."""

    def __init__(self, username: str, password: str):
        self.client = Client()
        self.auth = basic(username, password)
        self.username = username

    def request(self, method: str, path: str, body: str = "", content_type="application/xml",
                **headers):
        extra = {"HTTP_AUTHORIZATION": self.auth}
        extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        return self.client.generic(method, path, body.encode(), content_type=content_type, **extra)

    def propfind(self, path, body="", depth="0"):
        return self.request("PROPFIND", path, body, depth=depth)

    def report(self, path, body, depth="1"):
        return self.request("REPORT", path, body, depth=depth)

    def put(self, path, vcard, **headers):
        return self.request("PUT", path, vcard, content_type="text/vcard; charset=utf-8", **headers)

    def get(self, path, **headers):
        return self.request("GET", path, **headers)

    def delete(self, path, **headers):
        return self.request("DELETE", path, **headers)

    @property
    def book(self) -> str:
        return f"/dav/{self.username}/contacts/"


def xml(response):
    assert response.status_code == 207, (response.status_code, response.content[:500])
    return ET.fromstring(response.content)


def responses(root) -> dict:
    """href -> <response> element."""
    return {r.findtext("d:href", namespaces=NS): r for r in root.findall("d:response", NS)}


def prop(response_el, path: str):
    """Text of the first property at `path` (e.g. "d:getetag") in a 200 propstat."""
    for propstat in response_el.findall("d:propstat", NS):
        if "200" in propstat.findtext("d:status", namespaces=NS):
            node = propstat.find(f"d:prop/{path}", NS)
            if node is not None:
                return node
    return None


@pytest.fixture
def app_password(owner):
    return create_app_password(owner, "Test phone")[1]


@pytest.fixture
def dav(owner, app_password):
    return DavClient(owner.get_username(), app_password)


@pytest.fixture
def stranger_dav(stranger):
    return DavClient(stranger.get_username(), create_app_password(stranger, "Their phone")[1])


def vcard(uid="phone-1", fn="Ada Lovelace", extra="", version="3.0", email="ada@example.org"):
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}", f"FN:{fn}"]
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{email}")
    lines += [line for line in extra.splitlines() if line]
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
