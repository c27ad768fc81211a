"""Personal access tokens (services): created and revoked in Settings and by
`manage.py create_api_token`; looked up by the hash of what a client presents."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import AccessToken, TokenScope

TOKEN_PREFIX = "ncrm_"
LAST_USED_PRECISION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


@transaction.atomic
def create_access_token(
    owner, name: str, scope: str = TokenScope.READ, expires_in_days: int | None = None
) -> tuple[AccessToken, str]:
    """A new token; returns the row and the token itself, which is never stored or shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = AccessToken.objects.create(
        owner=owner,
        name=name.strip()[:100] or "API token",
        scope=scope,
        token_hash=token_hash(token),
        prefix=token[: len(TOKEN_PREFIX) + 4],
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return row, token


def revoke_access_token(row: AccessToken) -> None:
    """Delete a token: its next request is refused."""
    row.delete()


def find_access_token(token: str) -> AccessToken | None:
    """The live token a client presented (not expired, its user active), else None. Notes when
    it was used, at most once a minute."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = AccessToken.objects.select_related("owner").filter(token_hash=token_hash(token)).first()
    if row is None or row.expired or not row.owner.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
