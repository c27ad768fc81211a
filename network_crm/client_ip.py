"""The address of the client behind a request, as every throttle and lockout must see it.

Behind a reverse proxy REMOTE_ADDR is the proxy's address, and the client's is in
X-Forwarded-For, which each proxy extends with the address it received the request from.
Only the hops appended by proxies we trust are believed: the header is read from its right
end, past every trusted proxy, to the first address that is not one. Anything a client wrote
into the header itself sits to the left of that point, so a client talking to the app
directly, or forging the header through the proxy, can neither hide behind another address
nor get someone else locked out.

DJANGO_TRUSTED_PROXIES lists the proxies (settings.TRUSTED_PROXIES). django-axes
(AXES_CLIENT_IP_CALLABLE) and django-allauth's rate limits (accounts.adapters) both call
`client_ip`; so should any other throttle.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _parse(value: str) -> Address | None:
    """An address from a header hop: "203.0.113.7", "203.0.113.7:4711", "[2001:db8::1]:443"."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address: Address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's IP address: REMOTE_ADDR, unless that is a trusted proxy."""
    remote = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A trusted proxy writes addresses; anything else came from further left, so the
            # last trusted hop is the client as far as we can tell.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
