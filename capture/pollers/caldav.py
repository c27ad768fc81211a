"""A CalDAV calendar (Fastmail, iCloud, Nextcloud, Radicale…) with a user name and an app
password, through the `caldav` library: one time-range REPORT for the read's window (the server
sends only the meetings in it), expanded here like an iCal address."""

from urllib.parse import urlsplit

import caldav
from caldav.lib import error as caldav_error
from django.conf import settings

from contacts.services import get_profile

from .. import crypto
from ..models import Source
from ..recording import own_addresses, record
from . import SourceError, calendar, refuse_private_host


def _objects(url: str, username: str, password: str, start, end):
    refuse_private_host(urlsplit(url).hostname or "")
    try:
        with caldav.DAVClient(
            url=url,
            username=username or None,
            password=password or None,
            timeout=settings.CAPTURE_TIMEOUT_SECONDS,
            enable_rfc6764=False,
        ) as client:
            found = client.calendar(url=url).search(start=start, end=end, event=True, expand=False)
            return [obj.icalendar_instance for obj in found]
    except caldav_error.AuthorizationError:
        raise SourceError(
            "The CalDAV server refused the sign-in: check the user name and app password."
        ) from None
    except caldav_error.NotFoundError:
        raise SourceError("The CalDAV server has no calendar at this address.") from None
    except caldav_error.DAVError as exc:
        raise SourceError(f"The CalDAV server answered with an error ({type(exc).__name__}).") from None
    except OSError as exc:
        raise SourceError(f"Could not reach the CalDAV server: {type(exc).__name__}.") from None
    except Exception as exc:  # noqa: BLE001 - the HTTP library's own errors (niquests/requests)
        name = type(exc).__name__
        if "SSL" in name or "TLS" in name:
            raise SourceError("TLS error talking to the CalDAV server.") from None
        if "Timeout" in name:
            raise SourceError("The CalDAV server did not answer in time.") from None
        if "Connection" in name:
            raise SourceError("Could not reach the CalDAV server.") from None
        raise SourceError(f"Reading the CalDAV calendar failed ({name}).") from None


def read(source: Source, now) -> dict:
    url = crypto.decrypt(source.url_encrypted)
    password = crypto.decrypt(source.password_encrypted)
    start, end = calendar.window(source, now)
    calendars = _objects(url, source.username, password, start, end)
    zone = get_profile(source.owner).zone
    own = own_addresses(source.owner)
    items, seen = [], set()
    for parsed in calendars:
        for item in calendar.meetings(parsed, start, end, zone, own):
            if item.key not in seen:
                seen.add(item.key)
                items.append(item)
    stats = record(source, items, window=(start, end))
    Source.objects.filter(pk=source.pk).update(read_through=end)
    return stats
