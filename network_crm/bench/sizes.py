"""The data-set sizes of the benchmark: the full run, the quick one of CI, the tiny one of the
test suite."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    contacts: int  # the pages' smaller account (also the load, sync and import account)
    interactions: int
    large_contacts: int  # the pages' larger account
    large_interactions: int
    scan_users: int  # scanner: users × contacts each
    scan_contacts: int
    digest_users: int
    import_rows: int
    load_seconds: float
    load_connections: int
    samples: int  # timed requests per figure of the sync phase, after the warm-up ones
    # Timed requests per page, size and state (warm, after a write). The p95 is a nearest rank:
    # of 12 it would be the slowest request; of 40 it is the 38th.
    page_samples: int
    warmup: int = 3
    # The imports phase's memory run: one import this large, its peak memory (0: none).
    import_memory_rows: int = 0


SIZES = {
    "full": Size("full", 5_000, 200_000, 30_000, 1_000_000, 1_000, 500, 1_000, 50_000, 20, 8,
                 40, 40, import_memory_rows=500_000),
    "quick": Size("quick", 500, 20_000, 1_500, 60_000, 100, 100, 100, 5_000, 5, 4, 15, 3),
    # For the test suite: every phase end to end in seconds.
    "tiny": Size("tiny", 30, 300, 60, 600, 4, 10, 4, 200, 1.5, 2, 3, 1, warmup=0),
}
