"""HTTP Basic sign-in for CardDAV with an app password (never the login password)."""

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.clients import blocked_for, record_failure

from .models import AppPassword

REALM = "network_crm CardDAV"
# Easy to type on a phone: no 0/o, 1/l/i. 16 of these 31 letters are about 79 bits.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LAST_USED_PRECISION = timedelta(minutes=1)


def normalise(password: str) -> str:
    """What is hashed: the letters without the dashes or spaces a person may type."""
    return "".join(password.split()).replace("-", "").lower()


def password_hash(password: str) -> str:
    return hashlib.sha256(normalise(password).encode()).hexdigest()


def new_password() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def create_app_password(owner, name: str) -> tuple[AppPassword, str]:
    """A new app password for `owner`; returns the row and the password (shown once)."""
    password = new_password()
    row = AppPassword.objects.create(
        owner=owner, name=name.strip()[:100] or "Phone", password_hash=password_hash(password),
        prefix=password[:4],
    )
    return row, password


def revoke_app_password(row: AppPassword) -> None:
    """Delete an app password: every device signed in with it is refused from now on."""
    row.delete()


def _basic_credentials(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


class Refused(Exception):
    """Sign-in refused: `status` 401 (ask again) or 429 (wait `retry_after` seconds)."""

    def __init__(self, status: int, retry_after: int = 0):
        super().__init__(status)
        self.status, self.retry_after = status, retry_after


def authenticate(request):
    """The user whose username and app password the request carries, else Refused. Failed
    attempts count against the client address (api.clients)."""
    wait = blocked_for(request)
    if wait:
        raise Refused(429, wait)
    credentials = _basic_credentials(request)
    if credentials is None:
        raise Refused(401)
    username, password = credentials
    row = (
        AppPassword.objects.select_related("owner")
        .filter(password_hash=password_hash(password))
        .first()
    )
    if row is None or row.owner.get_username() != username or not row.owner.is_active:
        record_failure(request)
        raise Refused(401)
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_PRECISION:
        AppPassword.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.owner
