"""The benchmark's "sync" phase (issue 18): the REST API's contacts list and CardDAV's
sync-collection, on the measured account (5,000 contacts in the full run).

- API list: GET /api/v1/contacts/ (a page of 50, with emails, phones and tags) with a Bearer
  token, p50/p95 and its query count next to the account a tenth the size.
- First sync: a sync-collection REPORT without a token asking for every card's address data,
  as a phone's first sync does (the first run also makes the address book's cards).
- Incremental sync: 10 contacts edited through contacts.services, then a sync-collection
  from the previous token: what a phone does every few minutes.
"""

import base64
import time

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .load import percentile

API_LIST_P95_MS = 50
API_LIST_RATIO = 10  # × the trivial page, as the pages' target (issue 7)
FIRST_SYNC_SECONDS = 5
INCREMENTAL_SYNC_MS = 100
EDITS = 10
SYNC_BODY = """<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>
<d:prop><d:getetag/><card:address-data/></d:prop></d:sync-collection>"""


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _api_client(user) -> Client:
    from api.models import TokenScope
    from api.tokens import create_access_token

    token = create_access_token(user, "bench", TokenScope.READ)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _get(client: Client, path: str) -> None:
    response = client.get(path, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")


def api_list(bench) -> None:
    path = "/api/v1/contacts/"
    big, small = _api_client(bench.owner), _api_client(bench.small)
    for _ in range(bench.size.warmup):
        _get(big, path)
        _get(small, path)
    counts = []
    for client in (big, small):
        with CaptureQueriesContext(connection) as captured:
            _get(client, path)
        counts.append(len(captured))
    # The trivial page beside it, sample for sample, so the ratio means something on a busy
    # machine (the pages phase does the same).
    trivial_client = Client()
    trivial_client.force_login(bench.owner)
    trivial_path = reverse("password_change_done")
    timings, trivial = [], []
    for _ in range(bench.size.samples):
        started = time.perf_counter()
        _get(big, path)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        _get(trivial_client, trivial_path)
        trivial.append(time.perf_counter() - started)
    p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
    trivial_p95 = percentile(trivial, 0.95)
    ratio = round(p95 / trivial_p95, 1)
    contacts = bench.owner.contacts.count()
    bench.add(
        "API contacts list",
        {"kind": "sync", "path": path, "contacts": contacts, "samples": len(timings),
         "p50_ms": _ms(p50), "p95_ms": _ms(p95), "trivial_p95_ms": _ms(trivial_p95),
         "p95_vs_trivial": ratio, "queries": counts[0], "queries_small_account": counts[1]},
        [
            (f"p95 < {API_LIST_P95_MS} ms", _ms(p95), p95 * 1000 < API_LIST_P95_MS),
            (f"p95 ≤ {API_LIST_RATIO}× trivial", ratio, ratio <= API_LIST_RATIO),
            ("same queries at 1/10 the data", f"{counts[0]} vs {counts[1]}",
             counts[0] == counts[1]),
        ],
    )
    bench.log(f"  API list: p50 {_ms(p50)} ms, p95 {_ms(p95)} ms ({ratio}× trivial), "
              f"{counts[0]} queries")


def _report(client: Client, path: str, token: str) -> tuple[str, int, float]:
    started = time.perf_counter()
    response = client.generic("REPORT", path, SYNC_BODY.format(token=token).encode(),
                              content_type="application/xml", HTTP_DEPTH="1", secure=True)
    seconds = time.perf_counter() - started
    if response.status_code != 207:
        raise RuntimeError(f"REPORT {path} answered {response.status_code}")
    body = response.content
    new_token = body.rsplit(b"<d:sync-token>", 1)[1].split(b"<", 1)[0].decode()
    return new_token, body.count(b"<d:response>"), seconds


def carddav_sync(bench) -> None:
    from carddav.auth import create_app_password
    from contacts import services
    from contacts.models import Contact

    owner = bench.owner
    password = create_app_password(owner, "bench")[1]
    credentials = base64.b64encode(f"{owner.get_username()}:{password}".encode()).decode()
    client = Client(HTTP_AUTHORIZATION=f"Basic {credentials}")
    path = f"/dav/{owner.get_username()}/contacts/"

    # The first run makes the cards (once per account); the next ones are what a new phone
    # costs on an account that already syncs.
    _, cards, making = _report(client, path, "")
    runs = []
    for _ in range(3):
        token, cards, seconds = _report(client, path, "")
        runs.append(seconds)
    first = percentile(runs, 0.50)
    bench.add(
        "CardDAV first sync",
        {"kind": "sync", "cards": cards, "seconds": round(first, 3),
         "runs": [round(r, 3) for r in runs], "first_ever_seconds": round(making, 3)},
        [(f"≤ {FIRST_SYNC_SECONDS} s", round(first, 3), first <= FIRST_SYNC_SECONDS)],
    )
    bench.log(f"  CardDAV first sync: {cards} cards in {first:.3f} s (making them {making:.3f} s)")

    incremental = []
    ids = list(Contact.objects.filter(owner=owner, archived=False).order_by("pk")
               .values_list("pk", flat=True))
    for round_ in range(3):
        edited = {ids[(round_ * EDITS + i) % len(ids)] for i in range(EDITS)}
        for contact in Contact.objects.filter(pk__in=edited):
            services.update_contact(contact, {"title": f"Edited in round {round_}"})
        token, changed, seconds = _report(client, path, token)
        if changed != len(edited):
            raise RuntimeError(f"an incremental sync after {len(edited)} edits sent {changed}")
        incremental.append(seconds)
    median = percentile(incremental, 0.50)
    bench.add(
        f"CardDAV incremental sync after {EDITS} edits",
        {"kind": "sync", "cards": EDITS, "edits": EDITS, "seconds": round(median, 4),
         "runs": [round(r, 4) for r in incremental]},
        [(f"≤ {INCREMENTAL_SYNC_MS} ms", _ms(median), median * 1000 <= INCREMENTAL_SYNC_MS)],
    )
    bench.log(f"  CardDAV incremental sync: {_ms(median)} ms")


def measure(bench) -> None:
    """The phase: the API list, then CardDAV (rate limits lifted: this is one client)."""
    with override_settings(API_RATE_PER_MINUTE=10**9):
        api_list(bench)
        carddav_sync(bench)


def figure(result: dict) -> str:
    if "p95_ms" in result:
        return (f"{result['contacts']:,} contacts: p50 {result['p50_ms']} ms, "
                f"p95 {result['p95_ms']} ms ({result['p95_vs_trivial']}× trivial), "
                f"{result['queries']} queries")
    if "edits" in result:
        return f"{_ms(result['seconds'])} ms (median of 3)"
    return (f"{result['cards']:,} cards in {result['seconds']} s (median of 3; the very first, "
            f"making the cards, {result['first_ever_seconds']} s)")
