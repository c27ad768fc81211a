"""The filter of an addressbook-query REPORT (RFC 6352 §10.5), tested against a card."""

from dataclasses import dataclass, field

from ..vcard.syntax import InvalidCard, content_lines, split_line, unescape
from .xml import CARD, qname

COLLATIONS = {"i;unicode-casemap", "i;ascii-casemap", "i;octet"}
MATCH_TYPES = {"equals", "contains", "starts-with", "ends-with"}


@dataclass
class TextMatch:
    text: str
    collation: str = "i;unicode-casemap"
    match_type: str = "contains"
    negate: bool = False

    def test(self, value: str) -> bool:
        needle, hay = self.text, value
        if self.collation == "i;unicode-casemap":
            needle, hay = needle.casefold(), hay.casefold()
        elif self.collation == "i;ascii-casemap":
            needle, hay = needle.lower(), hay.lower()
        result = {
            "equals": hay == needle,
            "contains": needle in hay,
            "starts-with": hay.startswith(needle),
            "ends-with": hay.endswith(needle),
        }[self.match_type]
        return result != self.negate


@dataclass
class ParamFilter:
    name: str
    undefined: bool = False
    match: TextMatch | None = None


@dataclass
class PropFilter:
    name: str
    allof: bool = False
    undefined: bool = False
    matches: list = field(default_factory=list)
    params: list = field(default_factory=list)


@dataclass
class Filter:
    allof: bool = False
    props: list = field(default_factory=list)


def _text_match(node) -> TextMatch:
    collation = node.get("collation", "i;unicode-casemap")
    match_type = node.get("match-type", "contains")
    if collation not in COLLATIONS or match_type not in MATCH_TYPES:
        raise ValueError("unsupported collation or match type")
    return TextMatch(node.text or "", collation, match_type, node.get("negate-condition") == "yes")


def parse_filter(node) -> Filter:
    """Raises ValueError for what this server does not support."""
    if node is None:
        return Filter()
    result = Filter(allof=node.get("test") == "allof")
    for prop in node.findall(qname(CARD, "prop-filter")):
        name = (prop.get("name") or "").upper()
        if not name:
            raise ValueError("prop-filter without a name")
        pf = PropFilter(name, allof=prop.get("test") == "allof")
        pf.undefined = prop.find(qname(CARD, "is-not-defined")) is not None
        pf.matches = [_text_match(m) for m in prop.findall(qname(CARD, "text-match"))]
        for param in prop.findall(qname(CARD, "param-filter")):
            match = param.find(qname(CARD, "text-match"))
            pf.params.append(
                ParamFilter(
                    (param.get("name") or "").upper(),
                    undefined=param.find(qname(CARD, "is-not-defined")) is not None,
                    match=_text_match(match) if match is not None else None,
                )
            )
        result.props.append(pf)
    return result


def _param_ok(line, pf: ParamFilter) -> bool:
    values = line.params.get(pf.name)
    if pf.undefined:
        return values is None
    if values is None:
        return False
    return pf.match is None or any(pf.match.test(v) for v in values)


def _prop_ok(lines, pf: PropFilter) -> bool:
    found = [line for line in lines if line.name == pf.name]
    if pf.undefined:
        return not found
    if not found:
        return False
    tests = [
        *(lambda line, m=m: m.test(unescape(line.value)) for m in pf.matches),
        *(lambda line, p=p: _param_ok(line, p) for p in pf.params),
    ]
    if not tests:
        return True
    combine = all if pf.allof else any
    return any(combine(t(line) for t in tests) for line in found)


def card_matches(text: str, test: Filter) -> bool:
    if not test.props:
        return True
    try:
        lines = [split_line(raw) for raw in content_lines(text)]
    except InvalidCard:
        return False
    combine = all if test.allof else any
    return combine(_prop_ok(lines, pf) for pf in test.props)
