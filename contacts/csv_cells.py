"""CSV cells that a spreadsheet shows as text: shared by the contact export and the import's
refused-rows download."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text instead of running it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
