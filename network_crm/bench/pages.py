"""The accounts the pages are measured in, and every GET page (walk.py) in two of them: the
smaller size and the larger one (5,000 contacts / 200,000 interactions and 30,000 / 1,000,000
in the full run), each warm and right after a write (a conversation logged through the same
service the Log form uses, which is what moves the user's cached fragments on), with query
counts, and the cost ratio from the smaller size to the larger."""

import gc
import itertools
import json
import logging
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from .load import percentile
from .under_load import BASE_DIR
from .walk import pages_of

# Targets of issue 16, for the larger account of the full run on PostgreSQL.
AFTER_WRITE_P95_MS = 100
WARM_P95_MS = 30
SIZE_RATIO = 1.5
JSON_KB = 500
SIZES = ("smaller", "larger")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Skip(Exception):
    """A route that is not a page (POST only, or a redirect)."""


def _get(client: Client, path: str, headers: dict):
    """GET `path`, its body read to the end (the export files stream); the response and the
    number of SQL queries it ran."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path, secure=True, **headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body, len(queries)


class PagesPhase:
    """The `accounts` and `pages` phases of Bench."""

    def _user(self, username: str, contacts: int, interactions: int, seed: int):
        from django.contrib.auth import get_user_model

        from .history import build_account
        from .surroundings import add_surroundings

        # A password, as a person has: the pages that ask for it again then answer.
        user = get_user_model().objects.create_user(
            username, f"{username}@example.com", password=secrets.token_urlsafe()
        )
        started = time.monotonic()
        build_account(user, contacts, interactions, seed=seed)
        add_surroundings(user, seed=seed)
        self.log(
            f"  {username}: {contacts} contacts, {interactions} interactions "
            f"in {time.monotonic() - started:.1f}s"
        )
        return user

    def accounts(self) -> None:
        """The pages' two accounts (the smaller one is also the load, sync and import phases'
        account), and one a tenth the smaller's size for the API's query counts."""
        size, seed = self.size, self.seed
        self.owner = self._user("bench-owner", size.contacts, size.interactions, seed)
        self.large = self._user("bench-large", size.large_contacts, size.large_interactions, seed + 2)
        self.small = self._user(
            "bench-small", max(size.contacts // 10, 10), max(size.interactions // 10, 50), seed + 1,
        )

    @staticmethod
    def _beat_ticks() -> None:
        """What beat does every minute on a live install: the pages read its heartbeat (and
        without one show their "scheduler never ran" banner, which no live install shows)."""
        from interactions.tasks import record_scheduler_tick

        record_scheduler_tick()

    def pages(self) -> None:
        """Walk the pages in a process of its own (page_walk.py), as a web worker serves them:
        this process has built a million rows in Python, and its requests ran 1.3-2× the
        Python time of a fresh process's (the contact and event forms most). Each page's
        figures come back as a JSON line and are judged here."""
        connections.close_all()  # the accounts are committed; the child reads them
        command = [
            sys.executable, "-m", "network_crm.bench.page_walk", "--size", self.size.name,
            "--smaller", str(self.owner.pk), "--larger", str(self.large.pk),
        ]
        with tempfile.TemporaryFile(mode="w+") as errors:
            child = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.child_env(), stdout=subprocess.PIPE,
                stderr=errors, text=True,
            )
            for line in child.stdout:
                record = json.loads(line)
                if "skipped" in record:
                    self._note_skipped(record["skipped"])
                else:
                    self._add_page(record["name"], record["path"], record["measured"])
            if child.wait():
                errors.seek(0)
                raise RuntimeError(f"the page walk failed: {errors.read()[-2000:]}")

    def _note_skipped(self, skipped: dict) -> None:
        self.skipped_routes = skipped
        for reason in sorted(set(skipped.values())):
            routes = sorted(route for route, why in skipped.items() if why == reason)
            self.log(f"  not measured ({reason}): {', '.join(routes)}")

    def walk_pages(self, smaller, larger, emit) -> None:
        """Measure every page of both accounts, `emit` a record for each (run by page_walk.py):
        first {"skipped": {route: reason}}, then {"name", "path", "measured"} per page, and
        {"skipped": …} again with the pages that turned out not to be pages."""
        # The walk finds POST-only routes by their 405, which Django logs as a warning each.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        self._beat_ticks()
        accounts = dict(zip(SIZES, (smaller, larger), strict=True))
        walks, writers, clients = {}, {}, {}
        for label, user in accounts.items():
            walks[label], skipped = pages_of(user)
            writers[label] = _Writer(user)
            clients[label] = Client()
            clients[label].force_login(user)
        signed_out = Client()  # the sign-in pages and e-mailed links, for either account
        emit({"skipped": skipped})
        # What is loaded now is left out of Python's full collections, as a web worker leaves
        # out the app it loaded (network_crm/wsgi.py).
        gc.freeze()
        pages = {label: {page.name: page for page in walk} for label, walk in walks.items()}
        not_pages = {}
        for name in pages["smaller"]:
            if name not in pages["larger"]:
                continue
            try:
                measured = self._measure({
                    label: (
                        signed_out if pages[label][name].signed_out else clients[label],
                        writers[label], pages[label][name],
                    )
                    for label in SIZES
                })
            except Skip as why:
                not_pages[name] = str(why)
                continue
            emit({"name": name, "path": pages["smaller"][name].path, "measured": measured})
        if not_pages:
            emit({"skipped": skipped | not_pages})

    def _measure(self, sides: dict) -> dict:
        """{size: figures} for one page. The two sizes take turns request by request, so a
        minute when the machine is slower falls on both and not on one side of the ratio."""
        bodies = {}
        for label, (client, _, page) in sides.items():
            first, _, _ = _get(client, page.path, dict(page.headers))
            if first.status_code == 405:
                raise Skip("POST only")
            if first.status_code in (403, 404) and page.path.startswith("/accounts/security/"):
                raise Skip("a two-factor step the bench accounts have not set up (403, 404)")
            if first.status_code in (301, 302):
                raise Skip(
                    f"redirects ({first.status_code}): a piece of a page, or a step that asks "
                    "for more first"
                )
            if first.status_code != 200:
                raise RuntimeError(f"GET {page.path} answered {first.status_code}")
            for _ in range(self.size.warmup - 1):
                _get(client, page.path, dict(page.headers))
        figures = {label: {} for label in sides}
        for state in ("warm", "after_write"):
            timings = {label: [] for label in sides}
            cpu = {label: [] for label in sides}
            counts = {label: [] for label in sides}
            for _ in range(self.size.page_samples):
                for label, (client, writer, page) in sides.items():
                    if state == "after_write":
                        writer.write()
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response, bodies[label], queries = _get(client, page.path, dict(page.headers))
                    timings[label].append(time.perf_counter() - started)
                    cpu[label].append(time.process_time() - cpu_started)
                    counts[label].append(queries)
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {page.path} answered {response.status_code}")
            for label in sides:
                figures[label][state] = {
                    "p50_ms": _ms(percentile(timings[label], 0.50)),
                    "p95_ms": _ms(percentile(timings[label], 0.95)),
                    # Python's own CPU time (the database's is not in it): steadier on a busy
                    # machine.
                    "python_cpu_p50_ms": _ms(percentile(cpu[label], 0.50)),
                    # What the page runs: the count most of its requests ran. Once every few
                    # minutes a request also reads the session from the database
                    # (SESSION_CACHE_SECONDS) or the user's time zone (ZONE_CACHE_SECONDS),
                    # whichever page it falls on; the most any request ran is kept beside it.
                    "queries": statistics.mode(counts[label]),
                    "queries_max": max(counts[label]),
                }
        for label in sides:
            figures[label]["kb"] = round(len(bodies[label]) / 1024, 1)
        return figures

    def _add_page(self, name: str, path: str, measured: dict) -> None:
        small, large = measured["smaller"], measured["larger"]
        ratio = max(
            large[state]["p50_ms"] / max(small[state]["p50_ms"], 0.01)
            for state in ("warm", "after_write")
        )
        same_queries = all(
            small[state]["queries"] == large[state]["queries"] for state in ("warm", "after_write")
        )
        targets = [
            (f"after a write p95 < {AFTER_WRITE_P95_MS} ms", large["after_write"]["p95_ms"],
             large["after_write"]["p95_ms"] < AFTER_WRITE_P95_MS),
            (f"warm p95 < {WARM_P95_MS} ms", large["warm"]["p95_ms"],
             large["warm"]["p95_ms"] < WARM_P95_MS),
            (f"≤ {SIZE_RATIO}× the smaller size", round(ratio, 2), ratio <= SIZE_RATIO),
            ("same queries at both sizes", f"{small['warm']['queries']}/"
             f"{small['after_write']['queries']} vs {large['warm']['queries']}/"
             f"{large['after_write']['queries']}", same_queries),
        ]
        if path.endswith(".json"):
            targets.append((f"< {JSON_KB} KB", large["kb"], large["kb"] < JSON_KB))
        self.add(name, {"kind": "page", "path": path, **measured, "ratio": round(ratio, 2)},
                 targets)
        self.log(
            f"  {name}: after a write p95 {small['after_write']['p95_ms']} → "
            f"{large['after_write']['p95_ms']} ms, warm p95 {small['warm']['p95_ms']} → "
            f"{large['warm']['p95_ms']} ms, {large['warm']['queries']} queries, {large['kb']} KB"
        )


class _Writer:
    """Logs a conversation in the account, as the Log form does, turn by turn with the
    account's newest contacts (not the measured one with the longest history)."""

    def __init__(self, user):
        from contacts.models import Contact

        self.user = user
        contacts = Contact.objects.filter(owner=user, archived=False).order_by("-pk")[:50]
        self.contacts = itertools.cycle(list(contacts))

    def write(self) -> None:
        from interactions import services

        services.log_interaction(self.user, {
            "contacts": [next(self.contacts)], "kind": "message", "summary": "Bench write",
            "occurred_at": timezone.now(),
        })
