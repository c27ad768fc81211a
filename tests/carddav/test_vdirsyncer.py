"""A real CardDAV client against the running server: vdirsyncer (from PyPI) syncs the address
book with a folder of .vcf files both ways — created on each side, edited on each side,
deleted, a conflict — and the contacts are then compared in the database."""

import subprocess
import sys
from pathlib import Path

import pytest

from carddav.auth import create_app_password
from contacts import services
from contacts.models import Circle, Contact, Tier
from tests.browser.conftest import live_server  # noqa: F401  (fixture, registered by import)
from tests.carddav.conftest import vcard
from tests.factories import ContactEmailFactory, ContactFactory

VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"


class Vdirsyncer:
    def __init__(self, tmp_path: Path, url: str, username: str, password: str, resolution: str):
        self.local = tmp_path / "local"
        self.local.mkdir()
        self.config = tmp_path / "config"
        self.config.write_text(f"""
[general]
status_path = "{tmp_path / 'status'}/"

[pair phone]
a = "phone_local"
b = "phone_server"
collections = null
conflict_resolution = "{resolution}"

[storage phone_local]
type = "filesystem"
path = "{self.local}/"
fileext = ".vcf"

[storage phone_server]
type = "carddav"
url = "{url}"
username = "{username}"
password = "{password}"
""")

    def run(self, *args) -> str:
        result = subprocess.run(
            [str(VDIRSYNCER), "-c", str(self.config), *args],
            capture_output=True, text=True, timeout=120, input="y\n",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    def sync(self) -> str:
        return self.run("sync")

    def cards(self) -> dict[str, str]:
        """File name -> text of every local card."""
        return {p.name: p.read_text() for p in sorted(self.local.glob("*.vcf"))}

    def card_of(self, fn: str) -> Path:
        (path,) = [p for p in self.local.glob("*.vcf") if f"FN:{fn}\r\n" in p.read_text()
                   or f"FN:{fn}\n" in p.read_text()]
        return path


pytestmark = pytest.mark.skipif(not VDIRSYNCER.exists(), reason="vdirsyncer is not installed")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def test_vdirsyncer_syncs_both_ways_without_loss(live_server, owner, tmp_path):  # noqa: F811
    ada = ContactFactory(owner=owner, name="Ada Lovelace", circle=Circle.COMMUNITY,
                         tier=Tier.CLOSE, notes="CRM-only notes", cadence_days=21)
    ContactEmailFactory(contact=ada, email="ada@example.org")
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    _, password = create_app_password(owner, "vdirsyncer")
    url = f"{live_server.url}/dav/{owner.get_username()}/contacts/"
    client = Vdirsyncer(tmp_path, url, owner.get_username(), password, resolution="a wins")
    # A card that only the phone has, with a property the CRM has no field for.
    (client.local / "katherine.vcf").write_text(
        vcard(uid="katherine", fn="Katherine Johnson", email="kj@nasa.example",
              extra="BDAY:1918-08-26\r\nX-PHONE-ONLY:kept"))
    client.run("discover")

    # 1. First sync: each side gets the other's cards.
    client.sync()
    assert len(client.cards()) == 3
    katherine = Contact.objects.get(owner=owner, name="Katherine Johnson")
    assert [e.email for e in katherine.emails.all()] == ["kj@nasa.example"]

    # 2. An edit on each side.
    _edit(client.card_of("Ada Lovelace"), "FN:Ada Lovelace", "FN:Ada King")
    services.update_contact(grace, {"title": "Rear Admiral"})
    client.sync()
    ada.refresh_from_db()
    assert ada.name == "Ada King"
    assert (ada.circle, ada.tier, ada.notes, ada.cadence_days) == (
        Circle.COMMUNITY, Tier.CLOSE, "CRM-only notes", 21)
    assert "TITLE:Rear Admiral" in client.card_of("Grace Hopper").read_text()

    # 3. A delete on each side: the phone's archives; the CRM's (archive) leaves the phone.
    client.card_of("Grace Hopper").unlink()
    services.update_contact(ada, {"archived": True})
    client.sync()
    grace.refresh_from_db()
    assert grace.archived
    assert [t for t in client.cards().values() if "Ada King" in t] == []

    # 4. A conflict: both sides change Katherine; this client's side wins ("a wins").
    services.update_contact(katherine, {"name": "Katherine G. Johnson", "notes": "CRM note"})
    _edit(client.card_of("Katherine Johnson"), "FN:Katherine Johnson", "FN:Katherine Coleman")
    client.sync()
    katherine.refresh_from_db()
    assert katherine.name == "Katherine Coleman"
    assert katherine.notes == "CRM note"

    # 5. In the end: no duplicate, and the phone's own properties survived every round trip.
    client.sync()
    names = sorted(Contact.objects.filter(owner=owner).values_list("name", "archived"))
    assert names == [("Ada King", True), ("Grace Hopper", True), ("Katherine Coleman", False)]
    text = client.card_of("Katherine Coleman").read_text()
    assert "BDAY:1918-08-26" in text and "X-PHONE-ONLY:kept" in text
