"""What a poller hands over: one meeting occurrence or one message, already reduced to the
few facts a suggestion needs. Nothing else read from a source is kept."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses

from interactions.models import Initiator, InteractionKind

from .models import SuggestionOrigin

# Addresses that never stand for a person: automatic senders and calendar resources.
NO_REPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]?daemon|postmaster|bounces?"
    r"|notifications?|notify|alerts?|automated|calendar[-_.]?notification)([+.-].*)?@",
    re.IGNORECASE,
)
RESOURCE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
# An online meeting is logged as a video call.
VIDEO_HINTS = re.compile(
    r"zoom\.us|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com|webex\.com|whereby\.com"
    r"|meet\.jit\.si|around\.co|chime\.aws|gotomeet",
    re.IGNORECASE,
)
PHONE_HINTS = re.compile(r"\btel:|\bdial[- ]in\b|\bphone call\b", re.IGNORECASE)


def normalise(address: str) -> str:
    address = (address or "").strip().lower()
    if address.startswith("mailto:"):
        address = address[len("mailto:"):]
    return address if "@" in address and " " not in address else ""


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1]


def is_automatic(address: str) -> bool:
    return bool(NO_REPLY.match(address)) or domain_of(address).endswith(RESOURCE_DOMAINS)


def parse_addresses(*header_values: str) -> list[tuple[str, str]]:
    """[(address, display name)] from address headers, normalised, without blanks."""
    people = []
    for name, address in getaddresses([v for v in header_values if v]):
        address = normalise(address)
        if address:
            people.append((address, name.strip().strip('"')))
    return people


@dataclass
class Found:
    """A meeting occurrence or a message, with the people in it (the user included)."""

    key: str
    origin: str
    title: str
    start: datetime
    end: datetime
    people: list[tuple[str, str]] = field(default_factory=list)  # (address, name)
    organizer: str = ""
    kind: str = InteractionKind.OTHER
    # The message went to the user's "log" address: logged at once, no review.
    to_log_address: bool = False

    @property
    def initiated_by(self) -> str:
        if self.origin == SuggestionOrigin.SENT:
            return Initiator.ME
        if self.origin == SuggestionOrigin.RECEIVED:
            return Initiator.THEM
        return Initiator.MUTUAL


def meeting_kind(*texts: str) -> str:
    text = " ".join(t for t in texts if t)
    if VIDEO_HINTS.search(text):
        return InteractionKind.VIDEO
    if PHONE_HINTS.search(text):
        return InteractionKind.CALL
    # An in-person meeting: interactions has no "meeting" kind; "other" says what we know.
    return InteractionKind.OTHER
