"""What the benchmark ran on, for the report."""

import contextlib
import os
import platform
from pathlib import Path

import django
from django.db import connection


def machine_info() -> dict:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "cpus": os.cpu_count(), "cpu_model": cpu, "memory": memory, "database": database,
        "python": platform.python_version(), "django": django.get_version(),
        "platform": platform.platform(),
        # Other work on the machine inflates every time; the ratios to the trivial view do not.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
