"""One poller per kind of source. Each reads what is new, hands `Found` items to
capture.recording, and raises SourceError with a message safe to show and log (never the
calendar address, which is a secret, nor a password)."""

from django.utils import timezone

from ..models import Source, SourceKind


class SourceError(Exception):
    """A read that failed in a way the user can act on (shown in Settings, retried later)."""


def read(source: Source, now=None) -> dict:
    """Read `source` once; returns the counts of what was found, created and logged."""
    from . import caldav, ical, imap

    now = now or timezone.now()
    poller = {SourceKind.ICAL: ical.read, SourceKind.CALDAV: caldav.read, SourceKind.IMAP: imap.read}
    return poller[source.kind](source, now)
