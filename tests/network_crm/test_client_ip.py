import pytest
from django.test import RequestFactory

from network_crm.client_ip import client_ip

PROXY = "10.0.0.5"


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_trusted_proxy_hands_over_the_client_it_saw(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_a_forged_start_of_the_header_is_skipped(behind_proxy):
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really came from.
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_a_header_from_a_client_that_is_not_a_proxy_is_ignored(behind_proxy):
    assert client_ip(_request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_chained_trusted_proxies_are_walked_past(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7, 10.0.0.9")) == "198.51.100.7"


def test_ports_brackets_and_mapped_addresses_are_read(behind_proxy):
    assert client_ip(_request(PROXY, "198.51.100.7:51234")) == "198.51.100.7"
    assert client_ip(_request(PROXY, "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(_request("::ffff:198.51.100.7")) == "198.51.100.7"


def test_garbage_in_the_header_stops_at_the_last_trusted_hop(behind_proxy):
    assert client_ip(_request(PROXY, "not-an-address")) == PROXY
    assert client_ip(_request(PROXY, "")) == PROXY


def test_a_request_without_remote_addr_still_gets_an_address(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) == "0.0.0.0"
