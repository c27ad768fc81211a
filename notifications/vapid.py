"""VAPID keys for web push: the server's P-256 key pair, the private half from the environment
(settings.VAPID_PRIVATE_KEY), the public half derived from it for the browsers."""

import base64
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_keys() -> tuple[str, str]:
    """A new (private, public) pair, both base64url: the raw private scalar, and the public
    point uncompressed (what PushManager.subscribe takes as applicationServerKey)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return _b64url(private), _public_of(key)


def _public_of(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


@cache
def _vapid(private: str) -> Vapid:
    return Vapid.from_string(private)


def configured() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


def signer() -> Vapid:
    """The server's VAPID key, read once per process."""
    return _vapid(settings.VAPID_PRIVATE_KEY)


def public_key() -> str:
    """The applicationServerKey browsers subscribe with ("" when web push is not set up)."""
    if not configured():
        return ""
    return _public_of(signer().private_key)
