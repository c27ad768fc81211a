"""`make run`'s three processes (the Procfile under honcho, with the embedded SQLite and
filesystem broker) each say one line when they start, and a normal stop logs no error."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.hardening.faults import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

START_LINES = {
    "web": re.compile(r"\[INFO\] network_crm web listening at http://127\.0\.0\.1:\d+ with 2 workers$"),
    "worker": re.compile(r"INFO/MainProcess\] worker@\S+ ready\.$"),
    "beat": re.compile(r"INFO/MainProcess\] beat: Starting\.\.\.$"),
}
# (honcho kills what is still running 5 s after its SIGTERM: the worker's warm shutdown takes
# about a second, and more on a loaded machine, so a SIGKILL is not what this test asserts.)
NEVER = ("AXES", "No hostname was supplied", "ERROR", "Traceback", "Warning")


def _environment(tmp_path: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL") and not key.startswith("PYTEST")
    }
    (tmp_path / "static").mkdir()
    env.update(
        PATH=f"{BIN}:{env['PATH']}",
        PORT=str(free_port()),
        NETWORK_CRM_DATA_DIR=str(tmp_path / "data"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SECRET_KEY="process-logs-test",
        DJANGO_SECURE_SSL_REDIRECT="0",
        # No scanner comes due while the test runs: only the start and the stop are logged.
        **{
            f"NETWORK_CRM_{name}_SECONDS": "3600"
            for name in (
                "SCHEDULER_TICK", "FOLLOW_UP_SCAN", "DIGEST_SCAN", "CAPTURE_SCAN",
                "REMINDER_SCAN", "WEBHOOK_SCAN",
            )
        },
    )
    if os.geteuid() == 0:
        # Celery warns at length when its worker runs as root, as in this test's container;
        # `make run` runs as the person who typed it, Compose as the image's own user.
        env["PYTHONWARNINGS"] = "ignore::UserWarning"
    return env


def _lines_of(process: str, lines: list[str]) -> list[str]:
    prefix = re.compile(rf"^\d\d:\d\d:\d\d {process}\.1\s+\| ?(.*)$")
    return [m.group(1) for line in lines if (m := prefix.match(line)) and m.group(1).strip()]


def test_make_run_processes_start_with_one_line_each_and_stop_without_an_error(tmp_path):
    env = _environment(tmp_path)
    # As `make run` does before it starts them: the worker's heartbeat writes a row.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )
    honcho = subprocess.Popen(
        [str(BIN / "honcho"), "--no-colour", "start", "-f", "Procfile"],
        cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(honcho.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not all(
            any(pattern.search(line) for line in _lines_of(name, lines))
            for name, pattern in START_LINES.items()
        ):
            time.sleep(0.5)
        time.sleep(3)  # anything a process prints just after its line
        started = list(lines)
        honcho.send_signal(signal.SIGINT)  # Ctrl-C
        honcho.wait(timeout=60)
    finally:
        if honcho.poll() is None:
            honcho.kill()
            honcho.wait()
    reader.join(timeout=10)
    log = "".join(lines)

    for name, pattern in START_LINES.items():
        said = _lines_of(name, started)
        assert len(said) == 1 and pattern.search(said[0]), (name, said, log)
    for word in NEVER:
        assert word not in log, log
    for name in START_LINES:
        assert re.search(rf"system\s+\| {name}\.1 stopped", log), log
