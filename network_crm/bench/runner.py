"""The benchmark: build a data set in a database of its own, measure, report against targets.

Bench runs the phases in order (each in a module of its own: pages.py, scanner.py,
under_load.py, digests.py, imports.py), in the database database.py makes for it, and returns
the report that report.py prints.
"""

import contextlib
import logging
import os
import tempfile
import time
import uuid
import warnings
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from .database import _delete_cache_prefix, bench_database
from .digests import DigestsPhase
from .imports import ImportsPhase
from .machine import machine_info
from .pages import PagesPhase
from .scanner import ScannerPhase
from .sizes import Size
from .under_load import LoadPhase


class Bench(PagesPhase, ScannerPhase, LoadPhase, DigestsPhase, ImportsPhase):
    """One run: `run()` fills `results` (one dict per figure, with its targets) and returns
    the report."""

    def __init__(
        self, size: Size, *, seed: int = 0, log=print, keep_db: bool = False, only=None
    ):
        self.size = size
        self.phases = self.needed_phases(only)
        self.seed = seed
        self.log = log
        self.keep_db = keep_db
        self.results: list[dict] = []
        self.errors: list[dict] = []
        self.cache_prefix = f"bench-{uuid.uuid4().hex[:12]}"
        self.workdir = Path(tempfile.mkdtemp(prefix="network_crm-bench-"))

    # Each phase adds its figures; one failing phase is reported and the others still run.
    # The pages are measured in a database that holds every user and the follow-ups the
    # scanner made for them, as on a live server; the import comes last because it grows the
    # measured account.
    PHASES = ("accounts", "scanner", "pages", "load", "digests", "sync", "imports", "capture")

    def run(self) -> dict:
        started = timezone.now()
        clock = time.monotonic()
        load_before = [round(x, 2) for x in os.getloadavg()]
        caches = {
            alias: {**conf, "KEY_PREFIX": self.cache_prefix}
            for alias, conf in settings.CACHES.items()
        }
        plain_static = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        overrides = override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], CACHES=caches,
            STORAGES=plain_static,
        )
        # Signing the bench users in is not news for the security log.
        logging.getLogger("axes").setLevel(logging.WARNING)
        # whitenoise looks for collected static files that the measured pages do not need.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        with overrides, bench_database(keep=self.keep_db) as database:
            self.database = database
            self.log(f"Bench database {database}; size {self.size.name}.")
            try:
                for phase in self.phases:
                    phase_started = time.monotonic()
                    try:
                        getattr(self, phase)()
                    except Exception as exc:  # noqa: BLE001 - reported, and the run goes on
                        error = f"{type(exc).__name__}: {exc}"
                        self.errors.append({"phase": phase, "error": error})
                        self.log(f"  {phase}: FAILED {type(exc).__name__}: {exc}")
                    self.log(f"  {phase} done in {time.monotonic() - phase_started:.1f}s")
                machine = machine_info()
                machine["load_average_at_start"] = load_before
            finally:
                with contextlib.suppress(Exception):
                    _delete_cache_prefix(self.cache_prefix)
        kinds = ("page", "load", "import", "scanner", "digests", "sync", "capture")
        self.results.sort(key=lambda result: kinds.index(result["kind"]))
        return {
            "started_at": started.isoformat(),
            "seconds": round(time.monotonic() - clock, 1),
            "size": asdict(self.size),
            "database": self.database,
            "machine": machine,
            "results": self.results,
            "errors": self.errors,
            "routes_not_measured": getattr(self, "skipped_routes", {}),
            "all_targets_met": all(t["passed"] for r in self.results for t in r["targets"]),
        }

    @classmethod
    def needed_phases(cls, only=None) -> tuple[str, ...]:
        """The phases to run for `only` (None: all), with the ones they build on: every
        phase needs the accounts; pages, load and digests measure the scanner's users."""
        if not only:
            return cls.PHASES
        unknown = set(only) - set(cls.PHASES)
        if unknown:
            raise ValueError(f"unknown phase(s): {', '.join(sorted(unknown))}")
        wanted = {"accounts", *only}
        if wanted & {"pages", "load", "digests"}:
            wanted.add("scanner")
        return tuple(phase for phase in cls.PHASES if phase in wanted)

    def sync(self) -> None:
        from .sync import measure  # the API list and CardDAV syncs (issue 18)

        measure(self)

    def capture(self) -> None:
        from .capture import measure  # calendars and mailboxes read (issue 19)

        measure(self)

    def add(self, name: str, figures: dict, targets=()) -> None:
        self.results.append({
            "name": name, **figures,
            "targets": [
                {"target": label, "value": value, "passed": bool(passed)}
                for label, value, passed in targets
            ],
        })
