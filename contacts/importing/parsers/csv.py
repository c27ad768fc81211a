"""Rows of a CSV file as the csv module reads them, with the physical line each starts on."""

import csv
from collections.abc import Iterator
from pathlib import Path

from ..limits import csv_row_error
from ..records import ParsedRow, clean, ragged
from ..sniff import Sniffed, norm_header, open_text


def iter_csv(path: Path, sniffed: Sniffed) -> Iterator[tuple[int, list[str] | None, str]]:
    """(line number, cells, error) for each data row after the header; line numbers are the
    physical line where the row starts, so a quoted newline does not shift later rows."""
    with open_text(path, sniffed.encoding) as fh:
        for _ in range(sniffed.header_line + 1):
            fh.readline()
        reader = csv.reader(fh, delimiter=sniffed.delimiter)
        offset = sniffed.header_line + 1
        previous = 0
        while True:
            try:
                for cells in reader:
                    line = offset + previous + 1
                    previous = reader.line_num
                    yield line, cells, ""
                return
            except csv.Error as exc:  # the reader goes on with the next row
                line = offset + previous + 1
                previous = reader.line_num
                yield line, None, csv_row_error(exc)


class ReadCells(dict):
    """A row's cells by header name, noting which names were read (Sniffed.used_columns)."""

    __slots__ = ("used",)

    def get(self, key, default=None):
        self.used.add(key)
        return super().get(key, default)


def iter_dict_rows(
    path: Path, sniffed: Sniffed
) -> Iterator[ParsedRow | tuple[int, dict, list[str]]]:
    """(line, cells by header name, warnings) per row, or the ParsedRow of a row that is
    unreadable or blank."""
    keys = [norm_header(h) for h in sniffed.header]
    width = len(keys)
    for line, cells, error in iter_csv(path, sniffed):
        if error:
            yield ParsedRow(line=line, error=error)
            continue
        if not cells:
            continue  # a blank line is not a row
        raw = ReadCells()
        raw.used = sniffed.used_columns
        for i, key in enumerate(keys):
            if i < len(cells) and key and key not in raw:
                raw[key] = cells[i]
        if not any(clean(v) for v in cells):
            yield ParsedRow(line=line, skip="empty row", raw=raw)
            continue
        yield line, raw, ragged(cells, width)
