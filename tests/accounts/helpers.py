"""What the sign-in tests share: an authenticator app (RFC 6238, written here rather than
borrowed from the code under test), a software passkey, and the steps of signing in."""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse
from fido2 import cbor
from fido2.cose import ES256

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
HOST = "localhost"  # WebAuthn needs https or localhost: the test client calls itself this
ORIGIN = f"http://{HOST}"


def app_code(secret: str = SECRET, at: float | None = None, step: int = 30) -> str:
    """The 6 digits an authenticator app shows for `secret` at `at` (now by default)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def code_inside_its_step(secret: str = SECRET, later: float = 0, margin: float = 10) -> str:
    """`app_code` for now (or `later` seconds on), first waiting, if need be, until the current
    30-second step has `margin` seconds left: on a loaded machine the trip from the browser to
    the server took long enough to carry a code past its step (the server allows none after)."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)
    return app_code(secret, at=time.time() + later)


def other_code(code: str) -> str:
    """A wrong code: `code` with its last digit changed."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def turn_on_app(user, secret: str = SECRET) -> list[str]:
    """Two-factor with an authenticator app, as Settings leaves it; the recovery codes."""
    TOTP.activate(user, secret)
    return RecoveryCodes.activate(user).get_unused_codes()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftPasskey:
    """A passkey held in memory: a P-256 key answering WebAuthn ceremonies as a browser's
    authenticator would (no attestation), for tests that speak HTTP without a browser."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.user_handle = None

    def create(self, creation_options: dict, origin: str = ORIGIN, rp_id: str | None = None) -> dict:
        options = creation_options["publicKey"]
        rp_id = rp_id or options["rp"]["id"]
        self.user_handle = options["user"]["id"]
        client_data = json.dumps(
            {"type": "webauthn.create", "challenge": options["challenge"], "origin": origin}
        ).encode()
        public_key = cbor.encode(ES256.from_cryptography_key(self.key.public_key()))
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + public_key
        flags = 0x01 | 0x04 | 0x40  # user present, user verified, attested credential data
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", 0) + attested
        attestation = cbor.encode({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def get(self, request_options: dict, origin: str = ORIGIN, tamper: bool = False) -> dict:
        options = request_options["publicKey"]
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": options["challenge"], "origin": origin}
        ).encode()
        self.sign_count += 1
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + bytes([0x01 | 0x04])
            + struct.pack(">I", self.sign_count)
        )
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        if tamper:
            signature = signature[:-1] + bytes([signature[-1] ^ 1])
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": self.user_handle,
            },
            "clientExtensionResults": {},
        }


def add_passkey(user, name: str = "Laptop", passwordless: bool = True) -> tuple[SoftPasskey, Authenticator]:
    """A passkey registered for `user` straight in the database (as Settings would leave it)."""
    from allauth.account.utils import user_pk_to_url_str

    passkey = SoftPasskey()
    handle = b64url(user_pk_to_url_str(user).encode())
    options = {"publicKey": {"rp": {"id": HOST}, "user": {"id": handle}, "challenge": b64url(os.urandom(16))}}
    credential = passkey.create(options)
    if not passwordless:
        credential["clientExtensionResults"] = {"credProps": {"rk": False}}
    return passkey, WebAuthn.add(user, name, credential).instance


def client() -> Client:
    return Client(HTTP_HOST=HOST)


def sign_in_with_password(c: Client, username: str, password: str = PASSWORD, **extra):
    return c.post(reverse("login"), {"login": username, "password": password}, **extra)


def json_data(response) -> dict:
    """The `js_data` a page hands to allauth's webauthn.js."""
    match = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "the page carries no js_data"
    return json.loads(match.group(1))


def reauthenticate(c: Client, password: str = PASSWORD):
    """Type the password again, as Settings asks before two-factor changes."""
    response = c.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response
