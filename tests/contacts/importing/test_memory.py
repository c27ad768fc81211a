"""What an import keeps for each row once the row's batch is written: the contact's id in the
match index, the contact itself on the shelf (a temporary file), not in memory. Measured with
tracemalloc on a moderate file; the figures at 50,000 and 500,000 rows are the benchmark's
(docs/performance.md)."""

import gc
import tracemalloc

import pytest

from contacts.importing import services
from contacts.importing.normalize import norm_company
from contacts.importing.parsers.linkedin import linkedin_how_we_met
from contacts.importing.services import run_import
from contacts.names import name_keys
from network_crm.bench.data import write_linkedin_file

pytestmark = pytest.mark.django_db

ROWS = 6000
# An import keeps for each row its keys (a LinkedIn URL, a name or two, an email for one row
# in ten) and its contact's id: about 270 bytes. Holding each row's state, as imports did
# before the shelf, took 500 (and 1,300 in a dry run).
MOST_BYTES_PER_ROW = 400


def clear_caches():
    for cache in (name_keys, linkedin_how_we_met, norm_company):
        cache.cache_clear()


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_keeps_little_of_a_row_once_its_batch_is_written(
    tmp_path, owner, monkeypatch, dry_run
):
    path = tmp_path / "Connections.csv"
    write_linkedin_file(path, ROWS, seed=3)
    importers = []  # the importer kept, and with it what it holds at the end
    make = services.importer_for

    def importer_for(*args, **options):
        importers.append(make(*args, **options))
        return importers[-1]

    monkeypatch.setattr(services, "importer_for", importer_for)
    # Modules and tables loaded by a first import, and the caches of a bounded size (the same
    # for any file past it) are left out of the count.
    warm_up = tmp_path / "warm-up.csv"
    write_linkedin_file(warm_up, 50, seed=4)
    run_import(warm_up, owner, dry_run=True, sink=lambda row: None)
    clear_caches()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        summary = run_import(path, owner, dry_run=dry_run, batch_size=1000, sink=lambda row: None)
        clear_caches()
        gc.collect()  # and the free lists of tuples and the like
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert summary.total == ROWS and importers
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert held / ROWS < MOST_BYTES_PER_ROW
