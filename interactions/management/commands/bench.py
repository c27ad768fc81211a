"""Measure the app at scale in a database of its own (docs/performance.md).

    python manage.py bench [--quick] [--output PATH]

Prints a table of figures next to issue 7's targets and writes them as JSON. The real database
is never touched; the measuring code is network_crm.bench.
"""

import argparse
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from network_crm.bench.report import format_table
from network_crm.bench.runner import Bench
from network_crm.bench.sizes import SIZES


class Command(BaseCommand):
    # The configured database need not exist: the bench makes one of its own. (Django's model
    # checks would connect to it: a GeneratedField asks the database which kinds it supports.)
    requires_system_checks = []
    help = (
        "Benchmark pages, load, import, follow-up scanner and digests on a generated data set "
        "in a database of its own; print the figures next to their targets and save them as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quick", action="store_true",
            help="A reduced data set (under two minutes), as in CI; targets are for the full run.",
        )
        parser.add_argument("--output", help="JSON file to write (default: bench-<date>.json).")
        parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
        # For the test suite (a few seconds) and for profiling a slow figure afterwards.
        parser.add_argument("--size", choices=sorted(SIZES), help=argparse.SUPPRESS)
        parser.add_argument("--keep-db", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument(
            "--only", type=lambda text: [part.strip() for part in text.split(",") if part],
            help=f"Run only these phases (comma-separated: {', '.join(Bench.PHASES)}) and the "
            "ones they need; for working on one figure.",
        )

    def handle(self, *args, quick, output, seed, size, keep_db, only, **options):
        size = SIZES[size or ("quick" if quick else "full")]
        output = Path(output or f"bench-{date.today().isoformat()}.json")
        try:
            bench = Bench(
                size, seed=seed, keep_db=keep_db, only=only,
                log=lambda text: self.stderr.write(text),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = bench.run()
        output.write_text(json.dumps(report, indent=2, default=str) + "\n")
        self.stdout.write(format_table(report))
        self.stdout.write(f"\nWritten to {output}.")
        if report["errors"]:
            failed = len(report["errors"])
            raise CommandError(f"{failed} part(s) of the benchmark failed; see above.")
