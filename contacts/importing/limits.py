"""The limits an uploaded contact file must fit, each with the message a user reads when it
does not (docs/importing.md, "Limits"). Sizes that operators may want to change are settings;
the shape limits are fixed, since no contact export comes near them."""

import csv

from django.conf import settings

# A cell of a CSV file: notes exported by address books run to a few kB; a cell of a megabyte
# is not a contact's. The csv module refuses a longer field in C, in linear time.
MAX_CELL_CHARS = 1024 * 1024
csv.field_size_limit(MAX_CELL_CHARS)

# Columns of a CSV file: Google's export has 90 and Outlook's 92. The column mapping page posts
# one field per column, and Django refuses a form of more than DATA_UPLOAD_MAX_NUMBER_FIELDS
# (1,000) with a bare "Bad Request": the file is refused long before.
MAX_COLUMNS = 500


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def max_rows() -> int:
    """Rows (or cards) of one file: the worker keeps every row's identifiers for the whole
    import, and this many stay within its memory budget (300 MB, `manage.py bench`)."""
    return settings.IMPORT_MAX_ROWS


def too_many_columns(count: int) -> str:
    return (
        f"This file has {count:,} columns; an import reads at most {MAX_COLUMNS:,}. "
        "Save a copy with only the columns about people (names, emails, phones, company…) "
        "and upload that."
    )


def too_many_rows(count: int) -> str:
    return (
        f"This file has about {count:,} rows; one import reads at most {max_rows():,}. "
        "Split it into smaller files and import them one after the other."
    )


def too_large() -> str:
    return f"The file is larger than {settings.IMPORT_MAX_UPLOAD_MB} MB."


def csv_row_error(exc: csv.Error) -> str:
    """The reason shown for a CSV row the csv module could not read."""
    if "field larger than field limit" in str(exc):
        return (
            f"a cell is longer than {MAX_CELL_CHARS // (1024 * 1024)} MB, "
            "the most an import reads; the row was not imported"
        )
    return f"unreadable CSV row: {exc}"
