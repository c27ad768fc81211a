"""The iCalendar writer's folding and escaping (RFC 5545)."""

from interactions.calendar_feed import ical


def test_ical_folds_long_lines_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = ical.fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(part[1:] if i else part for i, part in enumerate(folded)) == line


def test_ical_escapes_text_values():
    assert ical.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
