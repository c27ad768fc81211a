"""Content lines, the syntax both ways (RFC 6350 §3.2–3.4; RFC 2426 for 3.0): escaping,
folding and unfolding, and a line split into its group, name, parameters and value."""

import re
from dataclasses import dataclass


class InvalidCard(ValueError):
    """The body is not one vCard this server can store."""


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts)


@dataclass
class Line:
    group: str
    name: str
    params: dict  # upper-case name -> list of values
    value: str
    raw: str


_PARAM_SPLIT = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')


def split_line(raw: str) -> Line:
    """A content line as its group, upper-cased name, parameters and value."""
    # The value starts after the first colon outside a quoted parameter value.
    in_quotes = False
    for i, ch in enumerate(raw):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == ":" and not in_quotes:
            head, value = raw[:i], raw[i + 1 :]
            break
    else:
        raise InvalidCard(f"not a content line: {raw[:40]!r}")
    name, *params = _PARAM_SPLIT.split(head)
    group, _, name = name.rpartition(".")
    parsed: dict[str, list[str]] = {}
    for param in params:
        key, sep, values = param.partition("=")
        if not sep:  # vCard 2.1's bare types: TEL;CELL:…
            key, values = "TYPE", key
        parsed.setdefault(key.strip().upper(), []).extend(
            v.strip().strip('"') for v in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', values)
        )
    return Line(group, name.strip().upper(), parsed, value, raw)


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def split_escaped(text: str, sep: str) -> list[str]:
    """Split a structured or list value on unescaped `sep`, then unescape each part."""
    parts, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append(unescape("".join(current)))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append(unescape("".join(current)))
    return parts


def content_lines(text: str) -> list[str]:
    """Unfolded content lines of a vCard body (CRLF or LF, folded with a space or a tab)."""
    lines: list[str] = []
    for physical in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1] += physical[1:]
        elif physical.strip():
            lines.append(physical)
    return lines
