"""A real OpenID Connect provider (django-oauth-toolkit, tests/accounts/oidc_provider) served
by a process of its own, for the single sign-on tests in this folder and tests/browser."""

import json
import os
import re
import selectors
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from network_crm.oidc import openid_connect_providers, provider_origin

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "network-crm"
CLIENT_SECRET = "s3cret-for-tests"
IDP_PASSWORD = "idp password 1"


class IdentityProvider:
    def __init__(self, port: int):
        self.issuer = f"http://127.0.0.1:{port}/o"

    def configure(self, settings, *, name="Test IdP", create_users=False, sso_only=False) -> None:
        """Point the app at this provider, as the NETWORK_CRM_OIDC_* variables would."""
        settings.OIDC_SERVER_URL = self.issuer
        settings.OIDC_NAME = name
        settings.OIDC_CREATE_USERS = create_users
        settings.SSO_ONLY = sso_only
        settings.SECURE_CSP = {
            **settings.SECURE_CSP,
            "form-action": [*settings.SECURE_CSP["form-action"], provider_origin(self.issuer)],
        }
        settings.SOCIALACCOUNT_PROVIDERS = openid_connect_providers(
            provider_id=settings.OIDC_PROVIDER_ID,
            name=name,
            server_url=self.issuer,
            client_id=CLIENT_ID,
            secret=CLIENT_SECRET,
            email_verified=False,
            scopes=["openid", "profile", "email"],
        )

    def authorize(self, authorize_url: str, username: str, password: str = IDP_PASSWORD) -> str:
        """Sign in at the provider as a browser would; the URL it sends the browser back to."""
        session = requests.Session()
        response = session.get(authorize_url, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        login_url = urljoin(authorize_url, response.headers["Location"])
        page = session.get(login_url, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        next_url = re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
        response = session.post(
            login_url,
            data={"username": username, "password": password, "csrfmiddlewaretoken": token, "next": next_url},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, "the provider refused the sign-in"
        response = session.get(urljoin(login_url, response.headers["Location"]), allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def new_rsa_key() -> str:
    """The provider's signing key for ID tokens (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="session")
def _rsa_key() -> str:
    return new_rsa_key()


@contextmanager
def run_identity_provider(folder: Path, rsa_key: str, redirect_uris: list[str], users: list[dict]):
    """The provider process, with `users` (dicts: username, email, optional verified=False)."""
    spec = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "users": [{"password": IDP_PASSWORD, **user} for user in users],
    }
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "OIDC_TEST_DB": str(folder / "idp.sqlite3"),
        "OIDC_TEST_RSA_KEY": rsa_key,
        "OIDC_TEST_UNVERIFIED": ",".join(u["username"] for u in users if u.get("verified") is False),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.oidc_provider.serve", json.dumps(spec)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # selectors, not select.select: a long test process may hold descriptors past 1024.
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(60)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("READY"):
            process.kill()
            raise RuntimeError(f"the identity provider did not start: {line}{process.stderr.read()}")
        yield IdentityProvider(int(line.split()[1]))
    finally:
        process.terminate()
        process.wait(timeout=10)


PROVIDER_USERS = [
    {"username": "alice", "email": "ada@example.com", "first_name": "Ada"},
    {"username": "mallory", "email": "ada@example.com", "verified": False},
    {"username": "newbie", "email": "newbie@example.com"},
    {"username": "twin", "email": "twin@example.com"},
    {"username": "carol", "email": "carol@elsewhere.example"},
]


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory, _rsa_key):
    """The provider, for the Django test client (which calls itself http://testserver)."""
    with run_identity_provider(
        tmp_path_factory.mktemp("idp"),
        _rsa_key,
        ["http://testserver/accounts/oidc/sso/login/callback/"],
        PROVIDER_USERS,
    ) as provider:
        yield provider
