"""Reading a file costs time in proportion to its size, whatever its shape: a vCard with a
5 MB photo folded into 70,000 continuation lines, a CSV row with one 20 MB cell.

The bounds are generous (a quadratic unfolding took minutes for the same card); they tell a
linear reader from a quadratic one, not a fast machine from a slow one."""

import base64
import time

from contacts.importing.parsers import _logical_lines, parse
from contacts.importing.sniff import sniff

PHOTO_BYTES = 5 * 1024 * 1024


def folded(line: str, width: int = 75) -> list[str]:
    """An RFC 6350 folded line: the first 75 characters, then a space and 74 more per line."""
    return [line[:width]] + [" " + line[i : i + width - 1] for i in range(width, len(line), width - 1)]


def photo_card(tmp_path, photo_bytes: int = PHOTO_BYTES):
    photo = base64.b64encode(b"\xff\xd8" * (photo_bytes // 2)).decode()
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Ada Lovelace",
        "N:Lovelace;Ada;;;",
        "EMAIL;TYPE=INTERNET:ada@example.com",
        *folded("PHOTO;ENCODING=b;TYPE=JPEG:" + photo),
        "NOTE:Met at the analytical engine meetup",
        "END:VCARD",
    ]
    path = tmp_path / "photo.vcf"
    path.write_text("\r\n".join(lines) + "\r\n", newline="")
    return path


def test_a_card_with_a_5_mb_photo_is_read_in_linear_time(tmp_path):
    path = photo_card(tmp_path)
    started = time.perf_counter()
    rows = list(parse(path, sniff(path)))
    seconds = time.perf_counter() - started
    assert seconds < 5, f"{seconds:.1f}s for one card: unfolding is not linear"
    (row,) = rows
    assert (row.error, row.record.name, row.record.notes) == (
        "",
        "Ada Lovelace",
        "Met at the analytical engine meetup",
    )
    assert [email for email, _ in row.record.emails] == ["ada@example.com"]


def test_unfolding_keeps_folded_heads_and_quoted_printable_soft_breaks():
    lines = [
        "NO",
        " TE:first ",
        " part",
        "EMAIL;CHARSET=UTF-8;QUOTED-PRINTABLE:ada=",
        "@example.com",
        "TEL;QUOTED",
        " -PRINTABLE:+1 206 =",
        "555 0134",
    ]
    assert _logical_lines(lines) == [
        "NOTE:first part",
        "EMAIL;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:ada@example.com",
        "TEL;ENCODING=QUOTED-PRINTABLE:+1 206 555 0134",
    ]


def test_a_20_mb_cell_is_refused_in_linear_time_and_the_next_row_is_read(tmp_path):
    path = tmp_path / "big-cell.csv"
    path.write_text(
        'Name,Email,Notes\r\nAda,ada@example.com,"' + "x" * (20 * 1024 * 1024) + '"\r\n'
        "Bob,bob@example.com,short\r\n"
    )
    started = time.perf_counter()
    sniffed = sniff(path)
    rows = list(parse(path, sniffed, ["name", "email", "notes"]))
    seconds = time.perf_counter() - started
    assert seconds < 5, f"{seconds:.1f}s for a 20 MB file of two rows"
    refused, bob = rows
    assert (refused.line, refused.record) == (2, None)
    assert "longer than 1 MB" in refused.error
    assert (bob.line, bob.record.name) == (3, "Bob")
