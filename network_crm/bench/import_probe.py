"""One import measured in a process of its own, so its peak memory is its own:

    DJANGO_SETTINGS_MODULE=network_crm.bench.settings NETWORK_CRM_BENCH_DATABASE=… \
        python -m network_crm.bench.import_probe --user-id 1 --file Connections.csv

Runs the same `run_import` as the admin, the Celery task and `import_contacts` (format sniffed,
duplicate detection on, one transaction) and prints one JSON line: rows, seconds (and the CPU
seconds of this process among them), counts, the process's resident memory before the import
and its peak (VmHWM: ru_maxrss would report the parent's peak when that was higher, since a
child inherits it across fork and exec).
"""

import argparse
import json
import resource
import time


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, in MB."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    # Not Linux: the peak so far is the best there is (KiB on most systems).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user-id", type=int, required=True)
    parser.add_argument("--file", required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from contacts.importing.services import run_import

    owner = get_user_model().objects.get(pk=args.user_id)
    connection.ensure_connection()
    before = _status_mb("VmRSS")
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = run_import(args.file, owner, dry_run=False, sink=lambda row: None)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = _status_mb("VmHWM")
    print(json.dumps({
        "rows": summary.total,
        "seconds": seconds,
        # This process's own CPU time: the rest of `seconds` is the database's work (and, on
        # a busy machine, waiting for a core).
        "cpu_seconds": round(cpu_seconds, 3),
        "format": summary.format,
        "counts": dict(summary.counts),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
    }))


if __name__ == "__main__":
    main()
