"""Import services: read a file, classify every row (new / update / duplicate / skipped /
error) and, unless it is a dry run, write every accepted row in one transaction.

The same function backs the admin preview and confirm steps, the Celery task and the
`import_contacts` command, so all of them report the same thing.
"""

import gc
import itertools
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path

from django.db import transaction

from .importer import Importer
from .linkedin import LinkedInImporter
from .parsers import auto_mapping, mapping_is_usable
from .results import ImportSummary, RowResult
from .sniff import Format, ImportFileError, norm_header, sniff
from .writes import BATCH_SIZE


@contextmanager
def _collector_paused():
    """No garbage collection during the import: it allocates millions of objects that form
    no reference cycles (rows, keys, strings), so the collector's passes found nothing and
    cost an eighth of a 50,000-row import (370 young and 33 middle passes over the rows held
    so far). Whatever garbage the import does leave is collected after it, as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def importer_for(sniffed, owner, **options) -> Importer:
    """The batch importer made for LinkedIn exports (tens of thousands of rows of a fixed
    shape) for one, else the general importer."""
    if sniffed.format == Format.LINKEDIN:
        return LinkedInImporter(owner, sniffed, **options)
    return Importer(owner, **options)


def _batches(rows: Iterable, sizes: Iterable[int]):
    iterator = iter(rows)
    for size in sizes:
        batch = list(itertools.islice(iterator, size))
        if not batch:
            return
        yield batch


def ramped(size: int, first: int = 500):
    """Batch sizes for an import whose writes overlap its reading: small at first, so that
    PostgreSQL starts writing soon, then doubling up to `size`."""
    step = min(first, size)
    while True:
        yield step
        step = min(step * 2, size)


def resolve_mapping(sniffed, mapping):
    """The column mapping of a generic CSV: the given one, else one guessed from the header;
    ImportFileError when no column holds a name or an email."""
    if sniffed.format != Format.CSV:
        return None
    mapping = list(mapping) if mapping else auto_mapping(sniffed.header)
    if not mapping_is_usable(mapping):
        raise ImportFileError(
            "This does not look like a contact file: no column holds a name or an email address "
            f"(columns: {', '.join(sniffed.header[:8])}). Choose the columns in the mapping step."
        )
    return mapping


def run_import(
    path,
    owner,
    *,
    format: str = Format.AUTO,
    mapping: list[str] | None = None,
    dry_run: bool = True,
    sink: Callable[[RowResult], None] | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import a contact file for `owner`: classify every row and, unless `dry_run`, write all
    accepted rows in one transaction. Raises ImportFileError for a file that cannot be read."""
    path = Path(path)
    sniffed = sniff(path, format)
    mapping = resolve_mapping(sniffed, mapping)
    summary = ImportSummary(format=sniffed.format, encoding=sniffed.encoding, dry_run=dry_run)
    if sink is None:
        sink = summary.rows.append
    importer = importer_for(sniffed, owner, dry_run=dry_run, sink=sink)
    done = 0
    # One transaction for the whole file: nothing is ever half-applied.
    with (
        closing(importer.shelf),
        _collector_paused(),
        nullcontext() if dry_run else transaction.atomic(),
        importer.writing(),
    ):
        sizes = ramped(batch_size) if importer.writer else itertools.repeat(batch_size)
        for batch in _batches(importer.rows(path, sniffed, mapping), sizes):
            importer.process(batch)
            done += len(batch)
            if progress:
                progress(done)
    summary.counts = importer.counts
    summary.warned = importer.warned
    if sniffed.header:
        summary.unmapped = [
            h for h in sniffed.header if h.strip() and norm_header(h) not in sniffed.used_columns
        ]
    return summary
