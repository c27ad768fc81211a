"""A calendar's secret iCal address (Google, Outlook, Fastmail, iCloud), read over HTTP(S)
with conditional requests: If-None-Match / If-Modified-Since while the meetings stored from
the last full read still cover the time until the next one."""

import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings

from contacts.services import get_profile

from .. import crypto
from ..models import Source
from ..recording import record
from . import SourceError, calendar, refuse_private_host

MAX_BYTES = 50 * 1024 * 1024


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is followed only to a host that could have been given directly."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        refuse_private_host(urllib.parse.urlsplit(newurl).hostname or "")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_CheckedRedirects)


def _fetch(url: str, headers: dict) -> tuple[int, bytes, dict]:
    if url.startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    refuse_private_host(urllib.parse.urlsplit(url).hostname or "")
    request = urllib.request.Request(url, headers=headers)
    try:
        with _OPENER.open(request, timeout=settings.CAPTURE_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise SourceError("The calendar is larger than 50 MB.")
            return response.status, body, dict(response.headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", dict(exc.headers or {})
        reason = {401: "asks for a password", 403: "refused access", 404: "was not found"}.get(
            exc.code, "failed"
        )
        raise SourceError(
            f"The calendar address answered {exc.code} {exc.reason}: it {reason}. Check the address "
            "(a new secret address makes the old one stop working)."
        ) from None
    except ssl.SSLError as exc:
        raise SourceError(f"TLS error talking to the calendar host: {exc.reason or exc}.") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLError):
            raise SourceError(f"TLS error talking to the calendar host: {reason.reason or reason}.") from None
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise SourceError("The calendar host did not answer in time.") from None
        raise SourceError(f"Could not reach the calendar host: {_reason(reason)}.") from None
    except (TimeoutError, socket.timeout):
        raise SourceError("The calendar host did not answer in time.") from None
    except ValueError:
        raise SourceError("The calendar address is not a valid web address.") from None


def _reason(reason) -> str:
    # socket errors name the host at most, never the path (which holds the secret).
    return getattr(reason, "strerror", None) or type(reason).__name__


def read(source: Source, now) -> dict:
    url = crypto.decrypt(source.url_encrypted)
    start, end = calendar.window(source, now)
    headers = {"User-Agent": "network_crm calendar reader", "Accept": "text/calendar, */*"}
    still_covered = source.read_through and source.read_through - now > timedelta(
        seconds=settings.CAPTURE_READ_SECONDS
    )
    if still_covered:
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
    status, body, response_headers = _fetch(url, headers)
    if status == 304:
        return {"found": 0, "created": 0, "logged": 0, "updated": 0, "removed": 0, "not_modified": True}
    parsed = calendar.parse(body)
    zone = get_profile(source.owner).zone
    extra_own = {calendar.calendar_owner_address(parsed)} - {""}
    from ..recording import own_addresses

    own = own_addresses(source.owner) | extra_own
    items = calendar.meetings(parsed, start, end, zone, own)
    stats = record(source, items, window=(start, end), extra_own=extra_own)
    lower = {k.lower(): v for k, v in response_headers.items()}
    Source.objects.filter(pk=source.pk).update(
        etag=lower.get("etag", "")[:300],
        last_modified=lower.get("last-modified", "")[:100],
        read_through=end,
    )
    return stats
