"""`manage.py bench` end to end on a tiny data set.

The command runs in a subprocess, as a user runs it: it creates, fills and drops a database of
its own and starts gunicorn and the load generator as further processes.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from network_crm.bench.load import percentile
from network_crm.bench.database import bench_database_name

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {
    "trivial view", "dashboard", "dashboard, cards not cached", "contacts list",
    "contacts search", "contacts filters", "contact page", "contact page, body not cached",
    "network JSON", "insights", "dashboard under load", "LinkedIn import",
    "follow-up scanner", "digest rendering", "capture: calendar", "capture: mailbox",
    "API contacts list", "CardDAV first sync", "CardDAV incremental sync after 10 edits",
}


def _database_url_of_its_own(folder: Path) -> str:
    """With xdist, each worker running this module starts a bench of its own: they must not
    share (and drop) one bench database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{folder / 'db.sqlite3'}"
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{uuid.uuid4().hex[:8]}"
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    output = folder / "bench.json"
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--quick", "--size", "tiny",
         "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
        env={**os.environ, "DATABASE_URL": _database_url_of_its_own(folder)},
    )
    report = json.loads(output.read_text()) if output.exists() else None
    return result, report


def test_bench_runs_every_phase_without_error(bench_run):
    result, report = bench_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert report["errors"] == []


def test_bench_reports_every_figure(bench_run):
    _, report = bench_run
    assert {r["name"] for r in report["results"]} == FIGURES


def test_bench_prints_a_table_with_targets(bench_run):
    result, _ = bench_run
    assert "Measure" in result.stdout and "Target" in result.stdout
    assert "p95 < 50 ms" in result.stdout and "≥ 100 requests/s" in result.stdout


def test_page_figures_have_latency_and_query_counts(bench_run):
    _, report = bench_run
    pages = [r for r in report["results"] if r["kind"] == "page"]
    assert len(pages) == 10
    for page in pages:
        assert 0 < page["p50_ms"] <= page["p95_ms"]
        assert page["queries"] > 0


def test_dashboard_is_judged_against_the_trivial_view(bench_run):
    _, report = bench_run
    dashboard = next(r for r in report["results"] if r["name"] == "dashboard")
    assert dashboard["p95_vs_trivial"] > 0
    assert {t["target"] for t in dashboard["targets"]} == {
        "p95 < 50 ms", "p95 ≤ 10× trivial", "same queries at 1/10 the data"
    }


def test_load_phase_served_requests_from_gunicorn(bench_run):
    _, report = bench_run
    load = next(r for r in report["results"] if r["kind"] == "load")
    assert load["requests"] > 0 and load["errors"] == 0


def test_import_phase_reports_rows_memory_and_floors(bench_run):
    _, report = bench_run
    result = next(r for r in report["results"] if r["kind"] == "import")
    assert result["rows"] == 200
    assert result["counts"]["new"] > 0 and result["counts"]["duplicate"] > 0
    assert result["peak_rss_mb"] > 0
    # Medians: of three imports from the same account (the bench stops if their counts
    # differ), of the floor just before each, and of five parse-floor loads before that.
    assert len(result["runs_seconds"]) == 3
    assert sorted(result["runs_seconds"])[1] == pytest.approx(result["seconds"], abs=0.01)
    assert len(result["floor"]["runs_seconds"]) == 3
    assert len(result["parse_floor"]["runs_seconds"]) == 15
    for floor in (result["floor"], result["parse_floor"]):
        assert floor["seconds"] == pytest.approx(percentile(floor["runs_seconds"], 0.5), abs=1e-6)
        assert floor["seconds"] > 0


def test_import_target_is_judged_against_a_copy_of_the_same_rows_into_the_contacts_table(
    bench_run,
):
    _, report = bench_run
    result = next(r for r in report["results"] if r["kind"] == "import")
    floor = result["floor"]
    assert floor["rows"] == result["rows"]
    assert "into contacts_contact" in floor["method"]
    if not report["database"].endswith(".sqlite3"):
        assert floor["method"].startswith("PostgreSQL COPY")
    ratio = next(t for t in result["targets"] if t["target"].endswith("the floor"))
    assert ratio["value"] == result["vs_floor"]
    seconds = sorted(result["runs_seconds"])[1]  # `seconds` is rounded to hundredths
    assert result["vs_floor"] == pytest.approx(seconds / floor["seconds"], rel=0.05)
    assert result["vs_parse_floor"] == pytest.approx(
        seconds / result["parse_floor"]["seconds"], rel=0.05
    )


def test_the_floor_leaves_the_account_as_it_was(bench_run):
    """The floor's rows are taken out again before the import after it runs."""
    _, report = bench_run
    result = next(r for r in report["results"] if r["kind"] == "import")
    # Had they stayed, every row would have been a duplicate of one of them.
    assert result["counts"]["new"] > 0.9 * result["rows"]


def test_scanner_creates_follow_ups_once(bench_run):
    _, report = bench_run
    scanner = next(r for r in report["results"] if r["kind"] == "scanner")
    assert scanner["created"]["cadence"] > 0
    assert scanner["rerun_created"]["cadence"] == 0


def test_bench_drops_its_database(bench_run):
    _, report = bench_run
    database = report["database"]
    if database.endswith(".sqlite3"):
        assert not Path(database).exists()
    else:
        import psycopg
        from django.conf import settings

        conf = settings.DATABASES["default"]
        with psycopg.connect(
            dbname="postgres", user=conf["USER"], password=conf["PASSWORD"] or None,
            host=conf["HOST"] or None, port=conf["PORT"] or None,
        ) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            assert found.fetchone() is None


@pytest.mark.parametrize(
    ("settings_dict", "expected"),
    [
        ({"ENGINE": "django.db.backends.postgresql", "NAME": "crm"}, "crm_bench"),
        (
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/data/db.sqlite3"},
            "/srv/data/db-bench.sqlite3",
        ),
    ],
)
def test_bench_database_is_never_the_configured_one(settings_dict, expected):
    assert bench_database_name(settings_dict) == expected


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 4, 2, 3], 0.5) == 3
    assert percentile(list(range(1, 101)), 0.95) == 95


def test_cached_pages_are_also_measured_rendered_afresh(bench_run):
    _, report = bench_run
    figures = {r["name"]: r for r in report["results"]}
    for cached, fresh in (
        ("dashboard", "dashboard, cards not cached"),
        ("contact page", "contact page, body not cached"),
    ):
        assert figures[fresh]["path"] == figures[cached]["path"]
        assert figures[fresh]["queries"] > figures[cached]["queries"]


def test_capture_phase_reads_a_calendar_and_a_mailbox_first_and_again(bench_run):
    _, report = bench_run
    calendar = next(r for r in report["results"] if r["name"] == "capture: calendar")
    mailbox = next(r for r in report["results"] if r["name"] == "capture: mailbox")
    assert calendar["events"] == 40 and calendar["suggestions"] > 0
    assert calendar["created_again"] == 0 and calendar["conditional_seconds"] > 0
    assert mailbox["messages"] == 200 and mailbox["suggestions"] > 0
    assert mailbox["incremental_messages"] == 90  # 100 new, one in ten from a mailing list
