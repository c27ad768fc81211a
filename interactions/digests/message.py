"""The digest as an email: subject / text / html templates (templates/emails/digest-*), the
rows of its lists formatted in Python, one-click unsubscribe headers (RFC 8058) and a
Message-ID fixed per user and week; built a batch at a time, as the workers send them."""

import email.headerregistry
import email.policy
import functools
import html
import random
import sys
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import dateformat
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..models import Support
from .content import build_digests
from .schedule import digest_window


class _FoldedOnce(email.headerregistry.BaseHeader):
    """A header that folds itself once per policy: the headers every digest shares are the
    same objects (see _DigestHeaders), folded again for every message otherwise."""

    def fold(self, *, policy):
        folded = self.__dict__.setdefault("_folded", {})
        if policy not in folded:
            folded[policy] = super().fold(policy=policy)
        return folded[policy]


class _DigestHeaders(email.headerregistry.HeaderRegistry):
    """Python's header registry, without its repeated work: the stock one builds a new class
    (type()) for every header of every message and parses every value anew, most of the time a
    digest's MIME message took. A header's class depends only on its name, and header objects
    are immutable, so the class is made once per name and the headers every digest shares
    (MIME-Version, From, Content-Type of the parts, …) are parsed and folded once."""

    def __init__(self):
        super().__init__(base_class=_FoldedOnce)
        self._classes = {}
        self._parsed = functools.lru_cache(maxsize=64)(super().__call__)

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]

    def __call__(self, name, value):
        if isinstance(value, str):
            return self._parsed(name, value)
        return super().__call__(name, value)


_HEADER_CLASSES = _DigestHeaders()


@functools.lru_cache(maxsize=4)
def _digest_policy(policy: email.policy.EmailPolicy) -> email.policy.EmailPolicy:
    return policy.clone(max_line_length=998, header_factory=_HEADER_CLASSES)


class DigestEmail(EmailMultiAlternatives):
    """The digest's email. Its headers fold at RFC 5322's hard limit (998), not the
    recommended 78: Python folds a longer header that has no space, such as
    `List-Unsubscribe: <https://…/signed-token/>`, into RFC 2047 encoded words, which
    RFC 2369 does not allow there and one-click unsubscribe (RFC 8058) readers do not decode.
    Bodies still get quoted-printable where a line would pass 998 characters."""

    def message(self, *, policy=email.policy.default):
        built = super().message(policy=_digest_policy(policy))
        # Left unset, the boundary is picked at as_bytes() time by compiling a regular
        # expression for it and searching the whole message with it, a third of as_bytes(); a
        # random one that neither part contains is as good.
        built.set_boundary(_boundary([self.body, *(part.content for part in self.alternatives)]))
        return built


def _boundary(texts: list[str]) -> str:
    """A multipart boundary in email.generator's own form that none of `texts` contains. (An
    encoded part cannot contain one either: quoted-printable writes "=" as "=3D", and base64
    pads with at most two.)"""
    while True:
        boundary = f"{'=' * 15}{random.randrange(sys.maxsize):019d}=="
        if not any(boundary in text for text in texts):
            return boundary


# The email's lists, row by row: formatted here, not in the templates, as the admin builds
# its change list. Twenty reach-out rows and twenty promises of a dozen template nodes each, in
# both parts, were most of a digest's rendering; the templates now print each list whole.
# Every text goes through _escape in the HTML part, as the template escaped it
# (tests/interactions/test_digest_rows.py compares the rows with the template loops they
# replaced); the text part is not HTML and is not escaped.

_REACH_OUT_HTML = (
    '<div class="i"><a class="n" href="{url}">{name}</a>{company}<br>\n'
    '<span class="r">{reason}{when}</span>{actions}</div>\n'
)
_REACH_OUT_TEXT = "\n- {name}{company}: {reason}{when}\n  Open: {url}{actions}\n"
_ACTIONS_HTML = (
    '<br>\n<span class="x"><a href="{done}">Mark done</a> · '
    '<a href="{snooze}">Snooze a week</a></span>'
)
_ACTIONS_TEXT = "\n  Done: {done}\n  Snooze a week: {snooze}"
_PROMISE_MINE_HTML = (
    '<div class="l">You → <strong>{name}</strong>: {what} '
    '<span class="m">(offered {offered}{due})</span></div>\n'
)
_PROMISE_MINE_TEXT = "- You → {name}: {what} (offered {offered}{due})\n"
_PROMISE_THEIRS_HTML = (
    '<div class="l"><strong>{name}</strong> → you ({direction}): {what} '
    '<span class="m">(since {offered})</span></div>\n'
)
_PROMISE_THEIRS_TEXT = "- {name} → you ({direction}): {what} (since {offered})\n"
_EVENT_HTML = '<div class="l"><strong>{name}</strong>, {when}{place}</div>\n'
_EVENT_TEXT = "- {name}, {when}{place}\n"


def _escape(value) -> str:
    # What Django's escape() does (html.escape with quotes), without its lazy-string wrapper,
    # which cost more than the escaping over forty rows.
    return html.escape(str(value))


@functools.lru_cache(maxsize=512)
def _formatted_date(value: date, format_string: str, language: str) -> str:
    return dateformat.format(value, format_string)


def _date(value: date, format_string: str) -> str:
    """`{{ value|date:format_string }}` for a date, formatted once per date and language: the
    same few dates come back in every digest of a batch."""
    return _formatted_date(value, format_string, get_language())


def _plural(count: int, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


def _reach_out_rows(items: list[dict]) -> tuple[str, str]:
    html_rows, text_rows = [], []
    for item in items:
        contact, overdue, url = item["contact"], item["overdue_days"], item["contact_url"]
        name, company, reason = contact.display_name, contact.company, item["reason"]
        if overdue > 0:
            late = f"{overdue} day{_plural(overdue)} overdue"
            when_html, when_text = f' · <span class="o">{late}</span>', f" · {late}"
        elif overdue < 0:
            day = _date(item["follow_up"].due_on, "l")
            when_html, when_text = f" · due {_escape(day)}", f" · due {day}"
        else:
            when_html = when_text = ""
        actions_html = actions_text = ""
        if item.get("done_url"):
            done, snooze = item["done_url"], item["snooze_url"]
            actions_html = _ACTIONS_HTML.format(done=_escape(done), snooze=_escape(snooze))
            actions_text = _ACTIONS_TEXT.format(done=done, snooze=snooze)
        html_row = _REACH_OUT_HTML.format(
            url=_escape(url),
            name=_escape(name),
            company=f' <span class="m">· {_escape(company)}</span>' if company else "",
            reason=_escape(reason),
            when=when_html,
            actions=actions_html,
        )
        html_rows.append(html_row)
        text_rows.append(
            _REACH_OUT_TEXT.format(
                name=name,
                company=f" ({company})" if company else "",
                reason=reason,
                when=when_text,
                url=url,
                actions=actions_text,
            )
        )
    return _joined(html_rows, text_rows)


def _promise_rows(mine: list[Support], theirs: list[Support]) -> tuple[str, str]:
    html_rows, text_rows = [], []
    for support, html_row, text_row in [
        *((support, _PROMISE_MINE_HTML, _PROMISE_MINE_TEXT) for support in mine),
        *((support, _PROMISE_THEIRS_HTML, _PROMISE_THEIRS_TEXT) for support in theirs),
    ]:
        values = {
            "name": support.contact.display_name,
            "what": str(support),
            "direction": support.get_direction_display().lower(),
            "offered": _date(support.offered_on, "j M"),
            "due": f", due {_date(support.due_on, 'j M')}" if support.due_on else "",
        }
        escaped = {key: _escape(value) for key, value in values.items()}
        html_rows.append(html_row.format(**escaped))
        text_rows.append(text_row.format(**values))
    return _joined(html_rows, text_rows)


def _event_rows(events) -> tuple[str, str]:
    html_rows, text_rows = [], []
    for event in events:
        when = _date(event.starts_on, "D j M")
        if event.ends_on and event.ends_on != event.starts_on:
            when = f"{when}–{_date(event.ends_on, 'D j M')}"
        place = f", {event.place}" if event.place else ""
        values = {"name": event.name, "when": when, "place": place}
        escaped = {key: _escape(value) for key, value in values.items()}
        html_rows.append(_EVENT_HTML.format(**escaped))
        text_rows.append(_EVENT_TEXT.format(**values))
    return _joined(html_rows, text_rows)


def _joined(html_rows: list[str], text_rows: list[str]) -> tuple[str, str]:
    """A list's rows as one string per part: the templates print each list at once rather than
    loop over its rows (a node per row and part)."""
    return mark_safe("".join(html_rows)), "".join(text_rows)  # noqa: S308 - rows are escaped


def _email_context(context: dict) -> dict:
    """The templates' context: the digest's, with each list's rows formatted for each part, the
    week's dates and the stats line."""
    reach_out_html, reach_out_text = _reach_out_rows(context["reach_out"])
    promises_html, promises_text = _promise_rows(
        context["promises_mine"], context["promises_theirs"]
    )
    events_html, events_text = _event_rows(context["events"])
    stats = context["stats"]
    touches, gives = stats["touches_7d"], stats["gives_done_30d"]
    open_follow_ups, contacts = stats["open_follow_ups"], stats["contacts"]
    return {
        **context,
        "week": f"{_date(context['today'], 'l j F')} – {_date(context['week_end'], 'l j F')}",
        "reach_out_html": reach_out_html,
        "reach_out_text": reach_out_text,
        "promises_html": promises_html,
        "promises_text": promises_text,
        "events_html": events_html,
        "events_text": events_text,
        "stats_line": (
            f"{touches} touch{_plural(touches, 'es')} in the last 7 days · "
            f"{gives} give{_plural(gives)} delivered in 30 days · "
            f"{open_follow_ups} open follow-up{_plural(open_follow_ups)} · "
            f"{contacts} active contact{_plural(contacts)}"
        ),
    }


def render_digest_message(
    owner, context: dict, *, period: date | None = None
) -> EmailMultiAlternatives:
    """The digest as an email: subject / text / html templates, one-click unsubscribe headers
    (RFC 8058) and a Message-ID fixed per user and week so mail clients fold any duplicate."""
    subject = " ".join(render_to_string("emails/digest-subject.txt", context).split())
    email_context = _email_context(context)
    text = render_to_string("emails/digest-body.txt", email_context)
    html_part = render_to_string("emails/digest-body.html", email_context)
    period = period or context["today"]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Message-ID": f"<digest.{owner.pk}.{period.isoformat()}@{domain}>",
    }
    message = DigestEmail(subject, text, to=[owner.email], headers=headers)
    message.attach_alternative(html_part, "text/html")
    return message


def build_digest_messages(owners, now: datetime) -> list[EmailMultiAlternatives]:
    """This week's digest emails for `owners` (users loaded with select_related("profile")), in
    the same order: build_digests for the batch, then render_digest_message for each. What the
    workers send, and what the benchmark times."""
    return [
        render_digest_message(
            owner, context, period=digest_window(context["profile"], now).period
        )
        for owner, context in zip(owners, build_digests(owners, now), strict=True)
    ]
