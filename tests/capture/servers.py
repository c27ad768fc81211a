"""The capture tests' servers (network_crm/bench/capture_servers.py, shared with the
benchmark): a dovecot that skips the test when Debian's dovecot-imapd is missing, and a Radicale
CalDAV server."""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from network_crm.bench.capture_servers import CalendarHost, ServerMissing, free_port, mail
from network_crm.bench.capture_servers import Dovecot as _Dovecot

__all__ = ["CalendarHost", "Dovecot", "Radicale", "mail"]


class Dovecot(_Dovecot):
    def start(self):
        try:
            return super().start()
        except ServerMissing as exc:
            pytest.skip(str(exc))


class Radicale:
    """A Radicale CalDAV server of the test's own (htpasswd user, plain password)."""

    def __init__(self, username="me", password="app-password-456"):
        self.username, self.password = username, password
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ncrm-radicale-"))
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self):
        import sys

        (self.root / "users").write_text(f"{self.username}:{self.password}\n")
        (self.root / "config").write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {self.root / 'users'}\n"
            "htpasswd_encryption = plain\n"
            f"[storage]\nfilesystem_folder = {self.root / 'collections'}\n"
            "[rights]\ntype = owner_only\n[logging]\nlevel = warning\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(self.root / "config")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                import socket

                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        pytest.fail("radicale did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def calendar_with(self, ics: bytes) -> str:
        """Create a calendar holding every event of `ics` (one object per UID); its URL."""
        import caldav
        import icalendar

        parsed = icalendar.Calendar.from_ical(ics)
        timezones = [c for c in parsed.subcomponents if c.name == "VTIMEZONE"]
        by_uid: dict[str, list] = {}
        for component in parsed.walk("VEVENT"):
            by_uid.setdefault(str(component["UID"]), []).append(component)
        with caldav.DAVClient(url=self.url, username=self.username, password=self.password) as client:
            calendar = client.principal().make_calendar(name="Work", cal_id="work")
            for events in by_uid.values():
                obj = icalendar.Calendar()
                obj.add("VERSION", "2.0")
                obj.add("PRODID", "-//network_crm tests//EN")
                for component in timezones + events:
                    obj.add_component(component)
                calendar.save_event(obj.to_ical().decode())
            return str(calendar.url)
