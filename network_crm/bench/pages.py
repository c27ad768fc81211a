"""The accounts the pages are measured in, and the pages: warm, and right after a write (the
cached fragments forgotten), with their query counts on the account and on one a tenth its
size."""

import time
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .load import percentile

# Targets of issue 7, for the full run on PostgreSQL.
PAGE_P95_MS = 50
PAGE_RATIO = 10
UNCACHED_DASHBOARD = "dashboard, cards not cached"
UNCACHED_CONTACT_PAGE = "contact page, body not cached"
# Figures of the first visit after a write, when the cached fragments are rendered afresh.
UNCACHED_PAGES = (UNCACHED_DASHBOARD, UNCACHED_CONTACT_PAGE)
TARGETED_PAGES = (
    "dashboard", "contacts list", "contacts search", "contacts filters", "contact page",
)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class PagesPhase:
    """The `accounts` and `pages` phases of Bench."""

    def _user(self, username: str, contacts: int, interactions: int, seed: int):
        from django.contrib.auth import get_user_model

        from interactions.demo import build_demo_network

        user = get_user_model().objects.create_user(
            username, f"{username}@example.com", password=None
        )
        started = time.monotonic()
        build_demo_network(user, contacts=contacts, interactions=interactions, seed=seed)
        self.log(
            f"  {username}: {contacts} contacts, {interactions} interactions "
            f"in {time.monotonic() - started:.1f}s"
        )
        return user

    def _page_paths(self, user) -> dict[str, str]:
        from contacts.models import Contact
        from contacts.selectors import today_for

        contacts = Contact.objects.filter(owner=user, archived=False)
        busiest = (
            contacts.annotate(n=Count("interactions"))
            .order_by("-n", "pk").values_list("pk", flat=True).first()
        )
        # A surname many contacts share: the search returns a full page, not one row.
        sample = contacts.order_by("pk").values_list("name", flat=True).first() or "a"
        term = sample.split()[-1]
        # Filters taken from a due, tagged contact, so that every account gets a non-empty page
        # (an empty page skips its prefetch queries and would make the counts differ).
        due = (
            contacts.filter(next_follow_up_on__lte=today_for(user), tags__isnull=False)
            .order_by("pk").values("circle", "discipline", "tags__name").first()
        ) or {"circle": "", "discipline": "", "tags__name": ""}
        contact_list = reverse("contacts:list")
        filters = urlencode({
            "circle": due["circle"], "discipline": due["discipline"], "tag": due["tags__name"],
            "due": "on", "sort": "last",
        })
        return {
            "trivial view": reverse("password_change_done"),
            "dashboard": reverse("dashboard"),
            # The first visit after a write: every card rendered from the database.
            UNCACHED_DASHBOARD: reverse("dashboard"),
            "contacts list": contact_list,
            "contacts search": f"{contact_list}?q={term}",
            "contacts filters": f"{contact_list}?{filters}",
            "contact page": reverse("contacts:detail", args=[busiest]),
            UNCACHED_CONTACT_PAGE: reverse("contacts:detail", args=[busiest]),
            "network JSON": reverse("insights:network_data"),
            "insights": reverse("insights:insights"),
        }

    def _get(self, client: Client, path: str):
        response = client.get(path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def _queries(self, client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            self._get(client, path)
        return len(captured)

    def accounts(self) -> None:
        """The measured account, and one a tenth its size: the same pages must run the same
        number of queries on both."""
        size = self.size
        self.owner = self._user("bench-owner", size.contacts, size.interactions, self.seed)
        self.small = self._user(
            "bench-small", max(size.contacts // 10, 10), max(size.interactions // 10, 50),
            self.seed + 1,
        )

    @staticmethod
    def _beat_ticks() -> None:
        """What beat does every minute on a live install: the pages read its heartbeat (and
        without one show their "scheduler never ran" banner, which no live install shows)."""
        from interactions.tasks import record_scheduler_tick

        record_scheduler_tick()

    def pages(self) -> None:
        from network_crm import fragment_cache

        self._beat_ticks()
        size = self.size
        big, small = self.owner, self.small
        big_client, small_client = Client(), Client()
        big_client.force_login(big)
        small_client.force_login(small)
        big_paths, small_paths = self._page_paths(big), self._page_paths(small)
        trivial_p95 = None
        for name, path in big_paths.items():
            # Each request of an uncached page comes after its fragments were forgotten.
            forget = fragment_cache.invalidate if name in UNCACHED_PAGES else lambda _: None
            for _ in range(size.warmup):
                self._get(big_client, path)
                self._get(small_client, small_paths[name])
            forget(big.pk)
            queries = self._queries(big_client, path)
            forget(small.pk)
            queries_small = self._queries(small_client, small_paths[name])
            timings, cpu = [], []
            # The trivial page is the yardstick of every ratio: more samples keep its p95 from
            # resting on one hiccup of a busy machine (it costs a few milliseconds each).
            samples = size.samples * 5 if name == "trivial view" else size.samples
            for _ in range(samples):
                forget(big.pk)
                started, cpu_started = time.perf_counter(), time.process_time()
                self._get(big_client, path)
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
            figures = {
                "kind": "page", "path": path, "samples": len(timings),
                "p50_ms": _ms(p50), "p95_ms": _ms(p95), "queries": queries,
                # Python's own CPU time (the database's is not in it): steadier on a busy machine.
                "python_cpu_p50_ms": _ms(percentile(cpu, 0.50)),
                "queries_small_account": queries_small,
            }
            targets = []
            if name == "trivial view":
                trivial_p95 = p95
            else:
                figures["p95_vs_trivial"] = round(p95 / trivial_p95, 1) if trivial_p95 else None
                if name in TARGETED_PAGES:
                    targets = [
                        (f"p95 < {PAGE_P95_MS} ms", _ms(p95), p95 * 1000 < PAGE_P95_MS),
                        (f"p95 ≤ {PAGE_RATIO}× trivial", figures["p95_vs_trivial"],
                         trivial_p95 and p95 <= PAGE_RATIO * trivial_p95),
                        ("same queries at 1/10 the data", f"{queries} vs {queries_small}",
                         queries == queries_small),
                    ]
            self.add(name, figures, targets)
            self.log(f"  {name}: p50 {_ms(p50)} ms, p95 {_ms(p95)} ms, {queries} queries")
