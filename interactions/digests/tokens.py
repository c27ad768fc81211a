"""The digest's signed links: one-click actions on a follow-up (done, snooze a week), bound to
the user and expiring after ACTION_MAX_AGE, and the unsubscribe link; and the absolute URLs
they go in."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_bytes

from ..models import FollowUp

ACTION_SALT = "interactions.digest.action"
ACTION_MAX_AGE = timedelta(days=14)
UNSUBSCRIBE_SALT = "interactions.digest.unsubscribe"
ACTIONS = {"done": "Mark done", "snooze": "Snooze a week"}


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def url_filler(viewname: str, marker):
    """`lambda arg: absolute URL of viewname(arg)` that reverses once: a digest has some forty
    links to the same two views, and reverse() costs more than everything else per link."""
    prefix, _, suffix = absolute_url(reverse(viewname, args=[marker])).partition(str(marker))
    return lambda arg: f"{prefix}{arg}{suffix}"


def contact_url(contact_id: int) -> str:
    try:
        return absolute_url(reverse("contacts:detail", args=[contact_id]))
    except NoReverseMatch:  # the contacts pages are optional for the digest
        return absolute_url(f"/contacts/{contact_id}/")


def contact_url_filler():
    try:
        return url_filler("contacts:detail", 987654321)
    except NoReverseMatch:
        return contact_url


def make_action_token(follow_up: FollowUp, action: str, *, signer=None) -> str:
    """A signed token for one action on one follow-up of one user; it expires (ACTION_MAX_AGE).
    What signing.dumps({"u": …, "f": …, "a": action}, salt=ACTION_SALT) makes; pass `signer`
    (a BatchSigner(ACTION_SALT)) to sign many with one signer."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    # The compact JSON signing.dumps writes for that dict: two ids, and a key that needs no
    # escaping. Django's encoder cost more than the signature.
    data = f'{{"u":{int(follow_up.owner_id)},"f":{int(follow_up.pk)},"a":"{action}"}}'
    return (signer or BatchSigner(ACTION_SALT)).dumps(data)


class BatchSigner(signing.TimestampSigner):
    """signing.dumps(…, salt=salt) for the many tokens of a batch of digests, the same tokens at
    a fraction of the cost: Django derives the HMAC key from the secret again for every
    signature (salted_hmac) and reads the clock every time; this does both once."""

    def __init__(self, salt: str):
        super().__init__(salt=salt)
        # The key salted_hmac(self.salt + "signer", …, self.key, algorithm="sha256") derives.
        self._hmac_key = hashlib.sha256(
            force_bytes(f"{self.salt}signer") + force_bytes(self.key)
        ).digest()
        self._timestamp = super().timestamp()

    def timestamp(self) -> str:
        return self._timestamp

    def signature(self, value, key=None) -> str:
        if key is not None:  # unsign() trying the fallback keys
            return super().signature(value, key)
        digest = hmac.digest(self._hmac_key, force_bytes(value), "sha256")
        return signing.b64_encode(digest).decode()

    def dumps(self, data: str) -> str:
        """sign_object() of the object whose compact JSON (signing.JSONSerializer's) is `data`."""
        return self.sign(signing.b64_encode(data.encode("latin-1")).decode())


def read_action_token(token: str) -> tuple[int, int, str]:
    """(user id, follow-up id, action); raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise signing.BadSignature("unknown action")
    return int(data["u"]), int(data["f"]), data["a"]


def make_unsubscribe_token(user_id: int, *, signer=None) -> str:
    """A signed, non-expiring token that only turns the digest off for this user: what
    signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT) makes."""
    return (signer or BatchSigner(UNSUBSCRIBE_SALT)).dumps(f'{{"u":{int(user_id)}}}')


def read_unsubscribe_token(token: str) -> int:
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "u" not in data:
        raise signing.BadSignature("malformed")
    return int(data["u"])


def action_url(follow_up: FollowUp, action: str) -> str:
    return absolute_url(reverse("digest:action", args=[make_action_token(follow_up, action)]))


def unsubscribe_url(user_id: int) -> str:
    return absolute_url(reverse("digest:unsubscribe", args=[make_unsubscribe_token(user_id)]))
