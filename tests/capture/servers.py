"""Real servers for the capture tests, each started by the test in a temporary folder:
Debian's dovecot as the IMAP server (no system-wide state), and an HTTP server of .ics files
that answers conditional requests (ETag, Last-Modified) like a calendar host."""

import imaplib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.hardening.faults import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

DOVECOT_CONF = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


class Dovecot:
    """A dovecot of the test's own on a free port of 127.0.0.1, plain IMAP, one mailbox."""

    def __init__(self, username="me@example.com", password="app-password-123"):
        self.username, self.password = username, password
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ncrm-dovecot-"))
        self.process = None

    def start(self):
        if not Path(DOVECOT).exists():
            pytest.skip("dovecot is missing: `make test` installs Debian's dovecot-imapd")
        root = self.root
        os.chmod(root, 0o755)
        as_root = os.getuid() == 0
        uid, gid = (65534, 65534) if as_root else (os.getuid(), os.getgid())
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir()
        if as_root:
            os.chown(root / "mail", uid, gid)
        (root / "users").write_text(f"{self.username}:{{PLAIN}}{self.password}\n")
        (root / "dovecot.conf").write_text(
            DOVECOT_CONF.format(
                root=root, port=self.port, uid=uid, gid=gid,
                internal="dovecot" if as_root else os.environ.get("USER", "nobody"),
                login="dovenull" if as_root else os.environ.get("USER", "nobody"),
            )
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=2)
                conn.logout()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
        self.stop()
        pytest.fail(f"dovecot did not start:\n{log[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(self.username, self.password)
        return conn

    def append(self, folder: str, message: EmailMessage, when) -> None:
        conn = self.connect()
        try:
            conn.create(folder)  # "already exists" is fine
            typ, data = conn.append(folder, "(\\Seen)", imaplib.Time2Internaldate(when), bytes(message))
            assert typ == "OK", data
        finally:
            conn.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create a folder again: the server gives it a new UIDVALIDITY."""
        conn = self.connect()
        try:
            conn.delete(folder)
            conn.create(folder)
        finally:
            conn.logout()

    def seen_flags(self, folder: str) -> list[bytes]:
        conn = self.connect()
        try:
            conn.select(folder, readonly=True)
            _, data = conn.fetch("1:*", "(FLAGS)")
            return [d for d in data if d]
        finally:
            conn.logout()


def mail(sender, to, subject, when, *, cc=None, bcc=None, message_id=None, headers=None,
         body="Body text that must never be read."):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    if bcc:
        message["Bcc"] = bcc
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id or make_msgid(domain="test.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


class CalendarHost:
    """An HTTP server of .ics files with ETag and Last-Modified, 304 on a match; counts what
    it answered per path."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.answers: list[tuple[str, int]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = host.files.get(self.path)
                if body is None:
                    host.answers.append((self.path, 404))
                    self.send_error(404, "Not Found")
                    return
                etag = f'"{abs(hash(body))}"'
                if self.headers.get("If-None-Match") == etag:
                    host.answers.append((self.path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                host.answers.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def statuses(self, path: str) -> list[int]:
        return [status for p, status in self.answers if p == path]


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
