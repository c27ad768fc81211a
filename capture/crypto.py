"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with keys from
NETWORK_CRM_ENCRYPTION_KEY (settings.CAPTURE_ENCRYPTION_KEYS).

Several comma-separated keys rotate: the first encrypts, every one decrypts. Without a key no
source can be added (the pages say so); a database dump alone never reveals a password.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class CredentialsUnavailable(Exception):
    """No key is configured, or the stored secret was encrypted with a key no longer set."""


def available() -> bool:
    return bool(settings.CAPTURE_ENCRYPTION_KEYS)


def _fernet() -> MultiFernet:
    keys = settings.CAPTURE_ENCRYPTION_KEYS
    if not keys:
        raise CredentialsUnavailable(
            "NETWORK_CRM_ENCRYPTION_KEY is not set, so credentials cannot be stored or read."
        )
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(secret: str) -> str:
    """The secret as a Fernet token (text); an empty secret stays empty."""
    if not secret:
        return ""
    return _fernet().encrypt(secret.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise CredentialsUnavailable(
            "The stored credentials cannot be read with the current NETWORK_CRM_ENCRYPTION_KEY; "
            "enter them again."
        ) from None


def mask_url(url: str) -> str:
    """A calendar address as it may be shown: scheme and host, the secret path hidden."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/…" if host else "…"
