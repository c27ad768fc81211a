import pytest
from django.core.exceptions import ImproperlyConfigured

from network_crm.env import env_bool, env_int, env_list
from network_crm.mail import mailer_from_url


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("off", False)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert env_bool("X_FLAG", True) is True


def test_env_int_rejects_non_numbers_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 5, minimum=1)
    monkeypatch.setenv("X_NUM", "42")
    assert env_int("X_NUM", 5, minimum=1) == 42


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example , ,b.example")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_smtp_url_with_tls_and_escaped_password():
    mailer = mailer_from_url("smtp://me%40example.com:p%2Fss@mail.example.com:2525?tls=1")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    parsed = mailer["OPTIONS"]
    assert parsed["host"] == "mail.example.com"
    assert parsed["port"] == 2525
    assert parsed["username"] == "me@example.com"
    assert parsed["password"] == "p/ss"
    assert parsed["use_tls"] is True and parsed["use_ssl"] is False


def test_smtps_url_defaults_to_port_465():
    parsed = mailer_from_url("smtps://mail.example.com")["OPTIONS"]
    assert parsed["port"] == 465 and parsed["use_ssl"] is True


def test_file_and_console_urls():
    assert mailer_from_url("file:///tmp/mail")["OPTIONS"] == {"file_path": "/tmp/mail"}
    assert mailer_from_url("console://")["BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("url", ["smtp://", "gopher://mail.example.com", "smtp://h?tls=1&ssl=1", "file://"])
def test_bad_email_urls_fail_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        mailer_from_url(url)


def test_env_networks_accepts_addresses_and_networks_and_rejects_typos(monkeypatch):
    from network_crm.env import env_networks

    monkeypatch.setenv("X_NETS", "10.0.0.0/8, 192.168.1.4,::1")
    assert env_networks("X_NETS", []) == ["10.0.0.0/8", "192.168.1.4", "::1"]
    monkeypatch.setenv("X_NETS", "10.0.0.0/33")
    with pytest.raises(ImproperlyConfigured, match="X_NETS"):
        env_networks("X_NETS", [])


def test_a_vapid_private_key_is_read_and_an_unreadable_one_stops_the_start(monkeypatch):
    from network_crm.env import env_vapid_private_key
    from notifications.vapid import generate_keys

    private, _ = generate_keys()
    monkeypatch.setenv("VAPID_PRIVATE_KEY", f" {private}\n")
    assert env_vapid_private_key("VAPID_PRIVATE_KEY") == private
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "")
    assert env_vapid_private_key("VAPID_PRIVATE_KEY") is None
    monkeypatch.setenv("VAPID_PRIVATE_KEY", "not-a-key")
    with pytest.raises(ImproperlyConfigured, match="VAPID_PRIVATE_KEY"):
        env_vapid_private_key("VAPID_PRIVATE_KEY")


def test_env_phone_region_upper_cases_known_regions_and_rejects_unknown(monkeypatch):
    from network_crm.env import env_phone_region

    monkeypatch.setenv("X_REGION", "de")
    assert env_phone_region("X_REGION", "US") == "DE"
    monkeypatch.delenv("X_REGION")
    assert env_phone_region("X_REGION", "US") == "US"
    monkeypatch.setenv("X_REGION", "XX")
    with pytest.raises(ImproperlyConfigured):
        env_phone_region("X_REGION", "US")
