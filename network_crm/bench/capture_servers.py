"""Real servers for capture's tests and benchmark, each started in a temporary folder of its
own: Debian's dovecot as the IMAP server (no system-wide state), and an HTTP server of .ics
files that answers conditional requests (ETag, Last-Modified) like a calendar host."""

import imaplib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


class ServerMissing(RuntimeError):
    """The server's program is not installed here."""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

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
            raise ServerMissing("dovecot is missing: `make test` installs Debian's dovecot-imapd")
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
            start_new_session=True,  # its own process group: its children stop with it
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
        raise RuntimeError(f"dovecot did not start:\n{log[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            # Only this dovecot's own process group; nothing in it needs a clean shutdown.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)

    def maildir(self, folder: str) -> Path:
        """The folder's maildir, for writing many messages at once (`write_maildir`)."""
        base = self.root / "mail" / self.username
        return base if folder == "INBOX" else base / f".{folder}"

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
        self.redirects: dict[str, str] = {}
        self.answers: list[tuple[str, int]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path in host.redirects:
                    host.answers.append((self.path, 302))
                    self.send_response(302)
                    self.send_header("Location", host.redirects[self.path])
                    self.end_headers()
                    return
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


def write_maildir(dovecot: Dovecot, folder: str, messages) -> None:
    """Deliver (message bytes, unix time) pairs straight into a folder's maildir, as a mail
    server's delivery agent would: far faster than APPEND for a benchmark's 20,000 messages."""
    path = dovecot.maildir(folder)
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    for n, (data, when) in enumerate(messages):
        name = path / "cur" / f"{int(when)}.M{n}P{os.getpid()}.bench:2,S"
        name.write_bytes(data)
        os.utime(name, (when, when))
    if os.getuid() == 0:
        for root, dirs, files in os.walk(dovecot.root / "mail"):
            for entry in dirs + files:
                os.chown(os.path.join(root, entry), 65534, 65534)
        os.chown(dovecot.root / "mail", 65534, 65534)
