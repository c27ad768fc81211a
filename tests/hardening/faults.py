"""Helpers for the fault tests: a redis-server of the test's own (never the shared one on
6379), a slow SMTP sink that counts messages per recipient, and Celery worker processes."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "fault tests need PostgreSQL (DATABASE_URL=postgres://…): worker processes cannot "
            "share an in-memory SQLite test database, and the restart test kills server backends"
        )


def child_database_url() -> str:
    """The URL of the test database pytest-django created (test_…), for child processes."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, what: str, timeout: float = 30, logs: tuple[Path, ...] = ()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{tails}")


class RedisServer:
    """A throwaway redis-server on a free port; stop() and start() keep the same port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, f"redis-server on port {self.port}", timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # this server's own pid only
            self.process.wait(timeout=10)
        wait_for(lambda: not self.ping(), "redis-server to stop", timeout=5)


class SlowSMTPSink:
    """An SMTP server in a thread that takes `delay` seconds before accepting each message's
    DATA, so a worker can be killed while it is talking to the mail server. `rcpt_replies` are
    its answers to RCPT, one per RCPT across sessions, then "250 OK" (a greylisting server says
    451 first). A message counts only once its whole DATA has arrived (what a real server would
    deliver), and only for the recipients it accepted."""

    def __init__(self, delay: float = 0, rcpt_replies: tuple[bytes, ...] = ()):
        self.delay = delay
        self.rcpt_replies = list(rcpt_replies)
        self.received = Counter()  # recipient -> complete messages
        self.in_data = 0  # sessions waiting in the slow DATA step right now
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        with conn, conn.makefile("rb") as lines:
            try:
                self._talk(conn, lines)
            except OSError:
                pass  # the client died mid-conversation: nothing was delivered

    def _talk(self, conn, lines):
        conn.sendall(b"220 sink ESMTP\r\n")
        recipients = []
        while line := lines.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 sink\r\n")
            elif verb == b"MAIL":
                recipients = []
                conn.sendall(b"250 OK\r\n")
            elif verb == b"RCPT":
                with self.lock:
                    reply = self.rcpt_replies.pop(0) if self.rcpt_replies else b"250 OK"
                if reply.startswith(b"250"):
                    recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                conn.sendall(reply + b"\r\n")
            elif verb == b"DATA":
                with self.lock:
                    self.in_data += 1
                time.sleep(self.delay)
                with self.lock:
                    self.in_data -= 1
                conn.sendall(b"354 go ahead\r\n")
                while (data := lines.readline()) not in (b".\r\n", b""):
                    pass
                if data == b"":
                    return
                with self.lock:
                    self.received.update(recipients)
                conn.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:  # RSET, NOOP
                conn.sendall(b"250 OK\r\n")

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def close(self):
        self.closed = True
        self.server.close()


def start_worker(env: dict, log: Path, *, name: str, concurrency: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "network_crm",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the pool children die with it
    )


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool children (its own process group), no warm shutdown."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_worker(process)
