"""The dashboard under load: gunicorn with 2 workers against the bench database, driven by wrk
(or, without it, the Python client of load.py), for requests per second."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test import Client

from .load import run_wrk, wrk_available

BASE_DIR = Path(settings.BASE_DIR)
# Target of issue 7, for the full run on PostgreSQL.
LOAD_RPS = 100


class LoadPhase:
    """The `load` phase of Bench, and the environment of its child processes."""

    def child_env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "DJANGO_SETTINGS_MODULE": "network_crm.bench.settings",
            "NETWORK_CRM_BENCH_DATABASE": str(self.database),
            "NETWORK_CRM_BENCH_CACHE_PREFIX": self.cache_prefix,
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH", "")])),
        })
        return env

    def load(self) -> None:
        self._beat_ticks()
        size = self.size
        client = Client()
        client.force_login(self.owner)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
        # The bench database must hold the session before gunicorn reads it.
        connections.close_all()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "network_crm.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--access-logfile", "-", "--log-level", "warning"],
            cwd=BASE_DIR, env=self.child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            self._wait_until_serving(server, url, cookie)
            for _ in range(10):  # every worker warmed up (imports, caches, connection)
                self._fetch(url, cookie)
            if wrk_available():
                figures = run_wrk(
                    port, "/", cookie, size.load_seconds, size.load_connections
                )
            else:
                result = subprocess.run(
                    [sys.executable, "-m", "network_crm.bench.load", "--port", str(port),
                     "--path", "/", "--cookie", cookie, "--seconds", str(size.load_seconds),
                     "--connections", str(size.load_connections)],
                    cwd=BASE_DIR, capture_output=True, text=True,
                    timeout=size.load_seconds + 120, check=True,
                )
                figures = json.loads(result.stdout.strip().splitlines()[-1])
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if not figures["requests"]:
            raise RuntimeError(f"no successful request under load: {figures}")
        self.add("dashboard under load", {
            "kind": "load", "server": "gunicorn, 2 sync workers", **figures,
        }, [(
            f"≥ {LOAD_RPS} requests/s", figures["rps"],
            figures["rps"] >= LOAD_RPS and not figures["errors"],
        )])
        self.log(
            f"  dashboard under load: {figures['rps']} requests/s over {figures['seconds']}s "
            f"({figures['connections']} connections, {figures['errors']} errors; "
            f"{figures['client']})"
        )

    @staticmethod
    def _fetch(url: str, cookie: str) -> int:
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
            response.read()
            return response.status

    def _wait_until_serving(self, server, url: str, cookie: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
            try:
                if self._fetch(url, cookie) == 200:
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")
