"""The weekly digest.

- schedule: when it goes out (the user's local weekday and hour), the next and the last one.
- content: what it says, built for a batch of users in a fixed number of queries.
- tokens: its signed one-click links (done, snooze, unsubscribe).
- message: the email (templates/emails/digest-*), built a batch at a time.
- sending: how each one is sent exactly once (the claim / lease protocol is described there).
- views, urls: the browser preview, the one-click links' pages and unsubscribe (/digest/).
"""

from .content import MAX_EVENTS, MAX_ITEMS, build_digest, build_digests
from .message import (
    DigestEmail,
    build_digest_messages,
    digest_html,
    digest_text,
    render_digest_message,
)
from .schedule import (
    UNFINISHED,
    DigestWindow,
    digest_window,
    last_digest,
    local_window,
    next_digest_at,
    rotate_calendar_token,
    turn_digest_off,
)
from .sending import (
    BATCH_SIZE,
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    PERMANENT_ERRORS,
    TRANSIENT_ERRORS,
    TURNED_OFF,
    WEEK_ENDED,
    deliver_digest,
    deliver_digests,
    give_up_digest,
    retry_delay,
    scan_due_digests,
)
from .tokens import (
    ACTION_MAX_AGE,
    ACTION_SALT,
    ACTIONS,
    UNSUBSCRIBE_SALT,
    action_url,
    contact_url,
    make_action_token,
    make_unsubscribe_token,
    read_action_token,
    read_unsubscribe_token,
    unsubscribe_url,
)

__all__ = [
    "ACTIONS",
    "ACTION_MAX_AGE",
    "ACTION_SALT",
    "BATCH_SIZE",
    "CLAIM_LEASE",
    "MAX_ATTEMPTS",
    "MAX_EVENTS",
    "MAX_ITEMS",
    "PERMANENT_ERRORS",
    "TRANSIENT_ERRORS",
    "TURNED_OFF",
    "UNFINISHED",
    "UNSUBSCRIBE_SALT",
    "WEEK_ENDED",
    "DigestEmail",
    "DigestWindow",
    "action_url",
    "build_digest",
    "build_digest_messages",
    "build_digests",
    "contact_url",
    "deliver_digest",
    "deliver_digests",
    "digest_html",
    "digest_text",
    "digest_window",
    "give_up_digest",
    "last_digest",
    "local_window",
    "make_action_token",
    "make_unsubscribe_token",
    "next_digest_at",
    "read_action_token",
    "read_unsubscribe_token",
    "render_digest_message",
    "retry_delay",
    "rotate_calendar_token",
    "scan_due_digests",
    "turn_digest_off",
    "unsubscribe_url",
]
