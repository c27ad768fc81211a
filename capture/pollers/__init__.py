"""One poller per kind of source. Each reads what is new, hands `Found` items to
capture.recording, and raises SourceError with a message safe to show and log (never the
calendar address, which is a secret, nor a password)."""

import ipaddress
import socket

from django.conf import settings
from django.utils import timezone

from ..models import Source, SourceKind


class SourceError(Exception):
    """A read that failed in a way the user can act on (shown in Settings, retried later)."""


def refuse_private_host(host: str) -> None:
    """Refuse a host on this machine or a private network (unless allowed): otherwise any
    user could make the server read its own internal services (SSRF) through a "calendar"."""
    if settings.CAPTURE_ALLOW_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise SourceError(f"The host {host} could not be found.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise SourceError(
                f"{host} is on this machine or a private network; this server only reads "
                "public hosts (its administrator can allow private ones with "
                "NETWORK_CRM_CAPTURE_ALLOW_PRIVATE_HOSTS=1)."
            )


def read(source: Source, now=None) -> dict:
    """Read `source` once; returns the counts of what was found, created and logged."""
    from . import caldav, ical, imap

    now = now or timezone.now()
    poller = {SourceKind.ICAL: ical.read, SourceKind.CALDAV: caldav.read, SourceKind.IMAP: imap.read}
    return poller[source.kind](source, now)
