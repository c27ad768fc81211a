"""The benchmark's database of its own, and putting it in the state a live server's is in.

The real database is never touched: `bench_database` creates `<name>_bench` (PostgreSQL) or a
`-bench.sqlite3` file next to the SQLite file with Django's test-database machinery, points this
process (and the child processes, through network_crm.bench.settings) at it, and drops it at the
end. Cache entries go under a key prefix of their own (`_delete_cache_prefix` removes them).
"""

import contextlib
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction


def bench_database_name(settings_dict: dict) -> str:
    """The bench database for the configured one: `<name>_bench` on PostgreSQL, a
    `-bench.sqlite3` file beside the SQLite file; never the configured database itself."""
    name = str(settings_dict["NAME"])
    if settings_dict["ENGINE"].endswith("sqlite3"):
        if name in ("", ":memory:") or name.startswith("file:"):
            return str(Path(tempfile.gettempdir()) / "network_crm-bench.sqlite3")
        path = Path(name)
        return str(path.with_name(f"{path.stem}-bench.sqlite3"))
    return f"{name}_bench"


@contextlib.contextmanager
def bench_database(*, keep: bool = False):
    """Create the bench database (migrated, empty), use it, drop it (unless `keep`)."""
    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    bench_name = bench_database_name(settings_dict)
    if bench_name == str(old_name):  # pragma: no cover - a guard, not a code path
        raise RuntimeError("refusing to run the benchmark in the configured database")
    settings_dict.setdefault("TEST", {})["NAME"] = bench_name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    try:
        yield bench_name
    finally:
        connections.close_all()
        if keep:
            connection.settings_dict["NAME"] = old_name
            settings.DATABASES[connection.alias]["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def checkpoint() -> None:
    """PostgreSQL writes out its dirty buffers now, not in the background of what comes next."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")  # superusers and pg_checkpoint only
    except DatabaseError as exc:
        logging.getLogger(__name__).warning("no checkpoint before measuring: %s", exc)


def settle_database() -> None:
    """After bulk loading, what autovacuum does on a live server: statistics for the planner and
    a visibility map for index-only scans. Measuring before it would time a state no server
    stays in for long. Then a checkpoint, so that the one the loads' WAL started does not
    write its buffers out in the background of a measurement (it made imports a fifth
    slower)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        checkpoint()
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _delete_cache_prefix(prefix: str) -> None:
    """Remove the benchmark's own cache entries (Redis only; a local-memory cache dies with
    the process)."""
    from django.core.cache import cache

    client_factory = getattr(cache, "_cache", None)
    if client_factory is None or not hasattr(client_factory, "get_client"):
        return
    client = client_factory.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
