"""Typed readers for settings taken from environment variables, and the keys `make run` keeps
in the data folder for when their variable is unset.

Each helper fails loudly (ImproperlyConfigured) on a value it cannot parse, so a typo in a
deployment stops the process at start-up instead of silently falling back to a default.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of IP addresses or networks (CIDR), each checked here."""
    import ipaddress

    networks = env_list(name, default)
    for item in networks:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks such as 10.0.0.0/8, got {item!r}"
            ) from None
    return networks


def env_vapid_private_key(name: str, default=None) -> str | None:
    """A VAPID private key (web push) as `manage.py vapid_keys` prints it: the raw P-256 key,
    base64url; or None when unset. An unreadable key stops the process at start-up.
    `default`, a callable, gives the key when the variable is unset (not when set empty)."""
    raw = os.environ.get(name)
    if raw is None and default is not None:
        raw = default()
    raw = (raw or "").strip()
    if not raw:
        return None
    from py_vapid import Vapid

    try:
        Vapid.from_string(raw)
    except Exception:
        raise ImproperlyConfigured(
            f"{name} must be a VAPID private key (base64url, as `manage.py vapid_keys` prints)"
        ) from None
    return raw


def env_phone_region(name: str, default: str) -> str:
    """A region code libphonenumber knows (US, GB, DE…), upper-cased."""
    import phonenumbers

    value = (os.environ.get(name) or default).strip().upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ImproperlyConfigured(
            f"{name} must be a two-letter region code such as US, GB or DE, got {value!r}"
        )
    return value


def local_key(data_dir: Path, name: str) -> str | None:
    """A key that `make run` keeps in the data folder (secret_key, encryption_key,
    vapid_private_key), read when its environment variable is unset, so `manage.py` commands
    work as written in a checkout set up by `make run`. Settings never create these files
    (except the secret key under DJANGO_DEBUG=1), and a file other users may read is refused.
    Deployments set the variables: docker-compose.yml requires DJANGO_SECRET_KEY, and the image's
    data folder (/data) starts empty (docs/configuration.md, "Keys")."""
    path = data_dir / name
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} may be read by other users: `chmod 600 {path}`, or set the variable instead."
        )
    return path.read_text().strip() or None
