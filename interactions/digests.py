"""The weekly digest (services): when it is due, what it says, how it is sent exactly once.

Sending protocol (a row per user and week, `Digest`, unique on (owner, period)):
1. The scanner creates the week's row once the user's local weekday and hour have come
   (bulk_create with ignore_conflicts: a second beat or a rerun creates nothing), and queues
   the ready rows in batches (BATCH_SIZE). A worker builds a batch's messages together, in a
   fixed number of queries (build_digest_messages), before it claims any of them; then, one
   digest at a time:
2. It claims the row with a conditional UPDATE: a pending row, or a claimed or sending row
   whose lease (CLAIM_LEASE) ran out because its worker died. Only the worker whose UPDATE
   changed one row goes on; `claimed_at` is its fencing token for every later write.
3. It moves the row claimed -> sending, opens the mail connection, sends, and marks the row
   sent as soon as the server has accepted the message, before QUIT, so the only window in
   which a kill leaves a delivered digest marked `sending` is one local UPDATE. A worker
   killed mid-batch leaves the digests it had not reached pending, unclaimed.
4. A worker killed while `sending` is replaced after the lease: the scanner queues the row
   again and the next worker re-claims and resends it. Nearly always the dead worker had not
   had the server's "250 queued" (the SMTP conversation is the slow part; the UPDATE after it
   is one local round-trip), so this is the user's only copy. If the kill fell in that one
   round-trip, or the connection dropped after the server accepted the message but before
   its reply arrived (a transient error, 5.), the user gets a second copy with the same
   Message-ID (fixed per user and week), by which the receiving side can tell it is the same
   message (Gmail, for one, shows it once).
   That rare, folded duplicate is the price of never silently losing a digest (the earlier
   rule, "mark it failed, never resend", lost every digest whose worker died mid-send).
5. A transient SMTP/network error moves it back to pending and stops the batch; the task
   retries the batch with backoff (what was sent is not sent again). A refused recipient
   fails at once. MAX_ATTEMPTS claims in all, then it is marked failed.
6. A row not sent by the end of the user's local week is skipped: never a stale digest.
"""

import email.headerregistry
import email.policy
import functools
import hashlib
import hmac
import html
import json
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import Star
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.encoding import force_bytes
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from contacts.models import Contact, Profile
from contacts.services import get_profile

from .followups import OPEN_STATUSES, local_today
from .models import Digest, DigestStatus, Direction, FollowUp, Interaction, Support, SupportStatus
from .selectors_followups import (
    follow_up_reason_text,
    grouped_owners,
    one_person_by_owner,
    open_follow_ups_by_owner,
    open_promises_by_owner,
    upcoming_events_by_owner,
)

logger = logging.getLogger(__name__)

# A worker that claimed a digest and went silent this long is presumed dead (before sending).
CLAIM_LEASE = timedelta(minutes=15)
# Claims per digest before giving up on a digest that cannot even be built.
MAX_ATTEMPTS = 8
# Errors worth retrying: the mail server or the network was unavailable for a moment.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# Refused recipients will be refused again: retrying would only delay the failure.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused,)
MAX_ITEMS = 20
MAX_EVENTS = 5
# Digests built together (their reads are set-based); each is still claimed and sent alone.
BATCH_SIZE = 100

ACTION_SALT = "interactions.digest.action"
ACTION_MAX_AGE = timedelta(days=14)
UNSUBSCRIBE_SALT = "interactions.digest.unsubscribe"
ACTIONS = {"done": "Mark done", "snooze": "Snooze a week"}
UNFINISHED = (DigestStatus.PENDING, DigestStatus.CLAIMED, DigestStatus.SENDING)
TURNED_OFF = "digest turned off before it was sent"
WEEK_ENDED = "the week ended before it could be sent"


# When ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestWindow:
    period: date  # Monday of the user's local week
    due_at: datetime  # the chosen weekday and hour, local time, as UTC
    ends_at: datetime  # next local Monday 00:00, as UTC: after this the digest is stale


def digest_window(profile: Profile, now: datetime) -> DigestWindow:
    """This local week's digest moment for the user. A local hour that does not exist (spring
    forward) resolves to the hour after the gap."""
    zone = profile.zone
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=profile.digest_weekday)
    due_local = datetime.combine(day, time(profile.digest_hour), tzinfo=zone)
    end_local = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    return DigestWindow(monday, due_local.astimezone(UTC), end_local.astimezone(UTC))


def next_digest_at(profile: Profile, now: datetime) -> datetime | None:
    """When the next digest goes out (UTC), or None if it is turned off."""
    if not profile.digest_enabled:
        return None
    window = digest_window(profile, now)
    sent = (
        Digest.objects.filter(owner_id=profile.owner_id, period=window.period)
        .exclude(status__in=UNFINISHED)
        .exists()
    )
    if not sent and now < window.ends_at:
        return max(window.due_at, now)
    return digest_window(profile, window.ends_at + timedelta(hours=1)).due_at


# What ----------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _url_filler(viewname: str, marker):
    """`lambda arg: absolute URL of viewname(arg)` that reverses once: a digest has some forty
    links to the same two views, and reverse() costs more than everything else per link."""
    prefix, _, suffix = _absolute(reverse(viewname, args=[marker])).partition(str(marker))
    return lambda arg: f"{prefix}{arg}{suffix}"


def contact_url(contact_id: int) -> str:
    try:
        return _absolute(reverse("contacts:detail", args=[contact_id]))
    except NoReverseMatch:  # the contacts pages are optional for the digest
        return _absolute(f"/contacts/{contact_id}/")


def _contact_url_filler():
    try:
        return _url_filler("contacts:detail", 987654321)
    except NoReverseMatch:
        return contact_url


def make_action_token(follow_up: FollowUp, action: str, *, signer=None) -> str:
    """A signed token for one action on one follow-up of one user; it expires (ACTION_MAX_AGE).
    What signing.dumps makes; pass `signer` (_ActionSigner()) to sign many with one signer."""
    return (signer or _ActionSigner()).sign_action(follow_up.owner_id, follow_up.pk, action)


# What signing.JSONSerializer writes, with one encoder rather than one per call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


class _ActionSigner(signing.TimestampSigner):
    """The tokens signing.dumps(…, salt=ACTION_SALT) makes, at a fraction of the cost for the
    forty of a digest: Django derives the HMAC key from the secret again for every signature
    (salted_hmac) and builds a JSON encoder for every object; this does both once, and reads
    the clock once."""

    def __init__(self):
        super().__init__(salt=ACTION_SALT)
        # The key salted_hmac(self.salt + "signer", …, self.key, algorithm="sha256") derives.
        self._hmac_key = hashlib.sha256(
            force_bytes(f"{self.salt}signer") + force_bytes(self.key)
        ).digest()
        self._timestamp = super().timestamp()

    def timestamp(self) -> str:
        return self._timestamp

    def signature(self, value, key=None) -> str:
        if key is not None:  # unsign() trying the fallback keys
            return super().signature(value, key)
        digest = hmac.digest(self._hmac_key, force_bytes(value), "sha256")
        return signing.b64_encode(digest).decode()

    def sign_action(self, owner_id: int, follow_up_id: int, action: str) -> str:
        """sign_object({"u": owner_id, "f": follow_up_id, "a": action})."""
        data = _COMPACT_JSON.encode({"u": owner_id, "f": follow_up_id, "a": action})
        return self.sign(signing.b64_encode(data.encode("latin-1")).decode())


def read_action_token(token: str) -> tuple[int, int, str]:
    """(user id, follow-up id, action); raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        raise signing.BadSignature("unknown action")
    return int(data["u"]), int(data["f"]), data["a"]


def make_unsubscribe_token(user_id: int) -> str:
    """A signed, non-expiring token that only turns the digest off for this user."""
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int:
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "u" not in data:
        raise signing.BadSignature("malformed")
    return int(data["u"])


def action_url(follow_up: FollowUp, action: str) -> str:
    return _absolute(reverse("digest:action", args=[make_action_token(follow_up, action)]))


def unsubscribe_url(user_id: int) -> str:
    return _absolute(reverse("digest:unsubscribe", args=[make_unsubscribe_token(user_id)]))


def _each_owners(value_by_owner: dict) -> Case:
    """Each owner's own value, as an expression on the batch's users: the value most of them
    share is the ELSE branch, so the SQL does not list their ids."""
    *others, (usual, _) = sorted(
        grouped_owners(value_by_owner).items(), key=lambda group: len(group[1])
    )
    return Case(
        *[When(pk__in=owner_ids, then=Value(value)) for value, owner_ids in others],
        default=Value(usual),
    )


def _counts_by_owner(now: datetime, today_by_owner: dict[int, date]) -> dict:
    """{owner id: how many follow-ups are due this week (`due`) and the numbers of the stats
    line}, in one query: a COUNT per number and user, each an index range of that user's rows."""
    owner = OuterRef("pk")
    counts = {
        "due": FollowUp.objects.filter(
            owner=owner, status__in=OPEN_STATUSES, due_on__lte=OuterRef("due_until")
        ),
        "touches_7d": Interaction.objects.filter(
            owner=owner, occurred_at__gte=now - timedelta(days=7)
        ),
        "gives_done_30d": Support.objects.filter(
            owner=owner,
            direction=Direction.GIVE,
            status=SupportStatus.DONE,
            done_on__gte=OuterRef("gives_since"),
        ),
        "open_follow_ups": FollowUp.objects.filter(owner=owner, status__in=OPEN_STATUSES),
        "contacts": Contact.objects.filter(owner=owner, archived=False),
    }
    # A COUNT without GROUP BY per owner: Func, not the Count aggregate; of *, not of the id,
    # so that PostgreSQL counts from the index alone (followup_open_due, interaction_owner_recent)
    # where it can. Prefixed: the names would clash with the user model's reverse relations.
    count = Func(Star(), function="COUNT", output_field=IntegerField())
    subqueries = {
        f"n_{name}": Subquery(qs.order_by().annotate(n=count).values("n"))
        for name, qs in counts.items()
    }
    rows = (
        get_user_model()
        .objects.filter(pk__in=list(today_by_owner))
        .annotate(
            due_until=_each_owners(
                {pk: today + timedelta(days=6) for pk, today in today_by_owner.items()}
            ),
            gives_since=_each_owners(
                {pk: today - timedelta(days=30) for pk, today in today_by_owner.items()}
            ),
        )
        .values("pk", **subqueries)
    )
    return {row["pk"]: {name: row[f"n_{name}"] for name in counts} for row in rows}


@dataclass(frozen=True)
class _Links:
    """URL makers and the token signer shared by every digest of a batch: reverse() runs once
    and one signer signs every action link, not one per link."""

    contact: Callable[[int], str]
    action: Callable[[str], str] | None
    signer: _ActionSigner | None

    @classmethod
    def make(cls, links: bool) -> "_Links":
        if not links:
            return cls(_contact_url_filler(), None, None)
        return cls(_contact_url_filler(), _url_filler("digest:action", "token"), _ActionSigner())


def _digest_context(owner, profile, today, due, promises, person, events, counts, links):
    """The template context of one digest from what was read for it."""
    stats = dict(counts)
    due_total = stats.pop("due")
    reach_out = []
    for follow_up in due:
        item = {
            "follow_up": follow_up,
            "contact": follow_up.contact,
            "reason": follow_up_reason_text(follow_up, today, profile=profile),
            "overdue_days": (today - follow_up.due_on).days,
            "contact_url": links.contact(follow_up.contact_id),
        }
        if links.action:
            done = make_action_token(follow_up, "done", signer=links.signer)
            snooze = make_action_token(follow_up, "snooze", signer=links.signer)
            item["done_url"], item["snooze_url"] = links.action(done), links.action(snooze)
        reach_out.append(item)
    mine, theirs = promises
    return {
        "owner": owner,
        "profile": profile,
        "today": today,
        "week_end": today + timedelta(days=6),
        "reach_out": reach_out,
        "reach_out_total": due_total,
        "promises_mine": mine,
        "promises_theirs": theirs,
        "person": person,
        "person_url": links.contact(person.contact.pk) if person else "",
        "events": events,
        "stats": stats,
        "site_url": settings.SITE_URL,
        "settings_url": _absolute(reverse("settings")),
        "unsubscribe_url": unsubscribe_url(owner.pk) if links.action else "",
    }


def _profile_of(owner) -> Profile:
    try:
        return owner.profile
    except Profile.DoesNotExist:
        return get_profile(owner)


def build_digests(owners, now: datetime, *, links: bool = True) -> list[dict]:
    """Everything each of `owners` (users loaded with select_related("profile")) is told for
    the week starting on their today, in their zone: who to reach out to and why, open promises
    both ways, one person to connect with, events, stats. In the same order, in seven queries
    for the whole batch whatever the number of users or the size of their networks."""
    return _build_digests(owners, {owner.pk: _profile_of(owner) for owner in owners}, now, links)


def build_digest(
    owner, now: datetime, *, profile: Profile | None = None, links: bool = True
) -> dict:
    """build_digests for one user (the preview), in the same seven queries."""
    profiles = {owner.pk: profile or get_profile(owner)}
    return _build_digests([owner], profiles, now, links)[0]


def _build_digests(owners, profiles: dict[int, Profile], now: datetime, links: bool) -> list:
    if not owners:
        return []
    today = {pk: local_today(profile, now) for pk, profile in profiles.items()}
    due = open_follow_ups_by_owner(
        {pk: day + timedelta(days=6) for pk, day in today.items()}, MAX_ITEMS
    )
    counts = _counts_by_owner(now, today)
    promises = open_promises_by_owner(list(profiles))
    people = one_person_by_owner(profiles, today)
    events = upcoming_events_by_owner(today, MAX_EVENTS)
    shared_links = _Links.make(links)
    return [
        _digest_context(
            owner, profiles[owner.pk], today[owner.pk], due[owner.pk], promises[owner.pk],
            people[owner.pk], events[owner.pk], counts[owner.pk], shared_links,
        )
        for owner in owners
    ]


class _DigestHeaders(email.headerregistry.HeaderRegistry):
    """Python's header registry, without its repeated work: the stock one builds a new class
    (type()) for every header of every message and parses every value anew, most of the time a
    digest's MIME message took. A header's class depends only on its name, and header objects
    are immutable, so the class is made once per name and the headers every digest shares
    (MIME-Version, From, Content-Type of the parts, …) are parsed once."""

    def __init__(self):
        super().__init__()
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
        return super().message(policy=_digest_policy(policy))


# The email's lists, row by row: formatted here, not in the templates, as the admin builds
# its change list. Twenty reach-out rows and twenty promises of a dozen template nodes each, in
# both parts, were most of a digest's rendering. Every text goes through _escape in the HTML
# part, as the template escaped it (tests/interactions/test_digest_rows.py compares the rows
# with the template loops they replaced); the text part is not HTML and is not escaped.

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


def _reach_out_rows(items: list[dict]) -> tuple[list[str], list[str]]:
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
        html_rows.append(mark_safe(html_row))  # noqa: S308 - every text above is escaped
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
    return html_rows, text_rows


def _promise_rows(mine: list[Support], theirs: list[Support]) -> tuple[list[str], list[str]]:
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
        html_rows.append(mark_safe(html_row.format(**escaped)))  # noqa: S308 - all escaped
        text_rows.append(text_row.format(**values))
    return html_rows, text_rows


def _event_rows(events) -> tuple[list[str], list[str]]:
    html_rows, text_rows = [], []
    for event in events:
        when = _date(event.starts_on, "D j M")
        if event.ends_on and event.ends_on != event.starts_on:
            when = f"{when}–{_date(event.ends_on, 'D j M')}"
        place = f", {event.place}" if event.place else ""
        values = {"name": event.name, "when": when, "place": place}
        escaped = {key: _escape(value) for key, value in values.items()}
        html_rows.append(mark_safe(_EVENT_HTML.format(**escaped)))  # noqa: S308 - all escaped
        text_rows.append(_EVENT_TEXT.format(**values))
    return html_rows, text_rows


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


# Sending -------------------------------------------------------------------------------------


def _ensure_profiles() -> None:
    # A user who never opened the settings page still gets the digest with the defaults.
    User = get_user_model()
    missing = User.objects.filter(is_active=True, profile__isnull=True).exclude(email="")
    Profile.objects.bulk_create([Profile(owner=user) for user in missing], ignore_conflicts=True)


def _unclaimed(now: datetime) -> Q:
    """Rows no live worker holds: pending, or claimed/sending by a worker whose lease ran out."""
    return Q(status=DigestStatus.PENDING) | Q(
        status__in=[DigestStatus.CLAIMED, DigestStatus.SENDING],
        claimed_at__lt=now - CLAIM_LEASE,
    )


def _finish(digest_id: int, status: str, error: str, *, where: Q) -> bool:
    changed = Digest.objects.filter(where, pk=digest_id).update(status=status, error=error[:300])
    if changed and status == DigestStatus.FAILED:
        logger.error("digest %s failed: %s", digest_id, error)
    return bool(changed)


def scan_due_digests(now: datetime | None = None, *, user_ids=None) -> list[int]:
    """The digest scanner: create this week's row for every user whose digest moment has come,
    close rows that can no longer be sent, and return the ids ready for a worker to claim
    (including rows whose worker died, claimed or mid-send, once their lease ran out)."""
    now = now or timezone.now()
    _ensure_profiles()
    profiles = (
        Profile.objects.filter(digest_enabled=True, owner__is_active=True)
        .exclude(owner__email="")
        .select_related("owner")
    )
    if user_ids is not None:
        profiles = profiles.filter(owner_id__in=user_ids)
    windows = {}
    new_rows = []
    for profile in profiles:
        window = digest_window(profile, now)
        windows[profile.owner_id] = window
        if window.due_at <= now < window.ends_at:
            new_rows.append(Digest(owner_id=profile.owner_id, period=window.period))
    Digest.objects.bulk_create(new_rows, ignore_conflicts=True)

    # Rows a live worker holds are its business: it sends them or releases them.
    unclaimed = _unclaimed(now)
    rows = Digest.objects.filter(unclaimed)
    if user_ids is not None:
        rows = rows.filter(owner_id__in=user_ids)
    ready = []
    for digest in rows.only("id", "owner_id", "period", "attempts"):
        window = windows.get(digest.owner_id)
        if window is None:  # turned off (or the account closed) since the row was made
            closed = (DigestStatus.SKIPPED, TURNED_OFF)
        elif digest.period != window.period:
            closed = (DigestStatus.SKIPPED, WEEK_ENDED)
        elif digest.attempts >= MAX_ATTEMPTS:
            closed = (DigestStatus.FAILED, f"gave up after {digest.attempts} attempts")
        else:
            ready.append(digest.pk)
            continue
        _finish(digest.pk, *closed, where=unclaimed)
    return ready


def _close_quietly(mailer) -> None:
    # Once the server has answered the message, a failed QUIT changes nothing about it.
    try:
        mailer.close()
    except Exception:
        logger.warning("closing the mail connection failed", exc_info=True)


def _not_to_send(digest: Digest | None, now: datetime) -> str | None:
    """Why this digest row is not for this worker to send now (closing it when it can no longer
    be sent), or None when it may be claimed."""
    if digest is None:
        return "gone"
    if digest.status not in UNFINISHED:
        return f"already {digest.status}"  # never "sent": that word means this call sent it
    unclaimed = _unclaimed(now)
    owner = digest.owner
    profile = _profile_of(owner)
    window = digest_window(profile, now)
    if digest.period != window.period or now >= window.ends_at:
        skipped = _finish(digest.pk, DigestStatus.SKIPPED, WEEK_ENDED, where=unclaimed)
        return "stale" if skipped else "claimed elsewhere"
    if not profile.digest_enabled or not owner.email or not owner.is_active:
        skipped = _finish(digest.pk, DigestStatus.SKIPPED, TURNED_OFF, where=unclaimed)
        return "turned off" if skipped else "claimed elsewhere"
    live_claim = digest.status != DigestStatus.PENDING and digest.claimed_at >= now - CLAIM_LEASE
    if live_claim or digest.attempts >= MAX_ATTEMPTS:
        return "claimed elsewhere"  # the claim below would not change the row either
    return None


def _claim_and_send(digest: Digest, message: EmailMultiAlternatives | None, now: datetime) -> str:
    """Steps 2-5 of the protocol for one digest whose message was built beforehand (None: the
    batch could not be built, so this one is built alone once claimed)."""
    claimed = Digest.objects.filter(
        _unclaimed(now), pk=digest.pk, attempts__lt=MAX_ATTEMPTS
    ).update(status=DigestStatus.CLAIMED, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "claimed elsewhere"
    if digest.status == DigestStatus.SENDING:
        logger.warning(
            "digest %s: its worker died while sending; sending again with the same Message-ID",
            digest.pk,
        )
    if message is None:
        try:
            (message,) = build_digest_messages([digest.owner], now)
        except Exception:
            # Left claimed: after the lease the scanner queues it again, MAX_ATTEMPTS in all.
            logger.exception("digest %s could not be built", digest.pk)
            return "error"
    mine = Digest.objects.filter(pk=digest.pk, claimed_at=now)
    if mine.filter(status=DigestStatus.CLAIMED).update(status=DigestStatus.SENDING) != 1:
        return "claimed elsewhere"
    mailer = mail.mailers.default
    try:
        # Opened here so that send_messages leaves it open: the row is marked sent as soon as
        # the server has accepted the message, before the QUIT round-trip.
        mailer.open()
        mailer.send_messages([message])
    except PERMANENT_ERRORS as exc:
        refused = Q(status=DigestStatus.SENDING, claimed_at=now)
        _finish(digest.pk, DigestStatus.FAILED, f"refused: {exc}", where=refused)
        return "failed"
    except TRANSIENT_ERRORS as exc:
        mine.filter(status=DigestStatus.SENDING).update(
            status=DigestStatus.PENDING, error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    else:
        if not mine.update(status=DigestStatus.SENT, sent_at=timezone.now(), error=""):
            # Only when the send outlasted the lease and another worker took the row over.
            logger.warning("digest %s was sent after its claim had been taken over", digest.pk)
        return "sent"
    finally:
        _close_quietly(mailer)


def deliver_digests(digest_ids, now: datetime | None = None) -> dict[int, str]:
    """Send a batch of digests: {digest id: what happened ("sent", "claimed elsewhere", …)}.

    The batch's messages are built together (a fixed number of queries for the batch); then
    each digest is claimed, moved to sending, sent and marked sent on its own, as the module
    docstring describes, just before its own send. A transient SMTP/network error releases the
    digest it hit and is raised at once: the digests not reached yet are still pending, unclaimed,
    for the retry."""
    clock = (lambda: now) if now is not None else timezone.now
    started = clock()
    rows = Digest.objects.select_related("owner__profile").in_bulk(digest_ids)
    outcomes, ready = {}, []
    for digest_id in digest_ids:
        digest = rows.get(digest_id)
        outcome = _not_to_send(digest, started)
        if outcome is None and digest not in ready:
            ready.append(digest)
        else:
            outcomes[digest_id] = outcome or "claimed elsewhere"
    try:
        messages = build_digest_messages([digest.owner for digest in ready], started)
    except Exception:
        logger.exception("a batch of %s digests failed to build; building each alone", len(ready))
        messages = [None] * len(ready)
    for digest, message in zip(ready, messages, strict=True):
        outcomes[digest.pk] = _claim_and_send(digest, message, clock())
    return outcomes


def deliver_digest(digest_id: int, now: datetime | None = None) -> str:
    """Claim one digest row and send it; returns what happened ("sent", "claimed elsewhere", …).
    Raises a TRANSIENT_ERRORS exception (after releasing the claim) when the send should be
    retried."""
    return deliver_digests([digest_id], now)[digest_id]


def give_up_digest(digest_id: int, exc: BaseException) -> None:
    """After the last retry: the digest is marked failed (logged, shown in settings)."""
    _finish(
        digest_id,
        DigestStatus.FAILED,
        f"{type(exc).__name__}: {exc}",
        where=Q(status=DigestStatus.PENDING),
    )


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 30 s, 1 min, 2 min … capped at 10 min."""
    return min(600, 30 * 2**retries)


def turn_digest_off(profile: Profile) -> None:
    """Stop the weekly digest (the unsubscribe link); settings can turn it back on."""
    Profile.objects.filter(pk=profile.pk).update(digest_enabled=False)
    profile.digest_enabled = False


def rotate_calendar_token(profile: Profile) -> str:
    """Give the calendar feed a new secret; every old subscription stops working."""
    token = Profile._meta.get_field("calendar_token").get_default()
    Profile.objects.filter(pk=profile.pk).update(calendar_token=token)
    profile.calendar_token = token
    return token


def last_digest(owner) -> Digest | None:
    """The user's most recent digest row, for the settings page."""
    return Digest.objects.filter(owner=owner).first()
