"""Rhythm: conversations per week, gives per month, promises kept on time, and the weekly streak
of reaching out."""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Direction, Initiator, Interaction, Support, SupportStatus

from .mix import percent

RHYTHM_WEEKS = 52
RHYTHM_MONTHS = 12
# Weeks before last week are kept per user (past_weeks) until an interaction dated in them
# changes: counting a year of interactions is 35 ms at 1,000,000 and grows with the history,
# while logging today's conversation changes only this week's count.
PAST_WEEKS_TIMEOUT = 24 * 3600
HISTORY_KEY = "rhythm:history:{}"

logger = logging.getLogger(__name__)


@dataclass
class Bucket:
    start: datetime.date
    label: str
    count: int


@dataclass
class Rhythm:
    weeks: list[Bucket]
    months: list[Bucket]
    promises_kept: int
    promises_due: int
    streak_weeks: int

    @property
    def promises_kept_percent(self) -> int | None:
        return percent(self.promises_kept, self.promises_due) if self.promises_due else None

    @property
    def touches_last_year(self) -> int:
        return sum(b.count for b in self.weeks)

    @property
    def gives_last_year(self) -> int:
        return sum(b.count for b in self.months)


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _weeks_probe(owner, starts: list[datetime.date], zone, *, counts: bool) -> list[tuple]:
    """For each local week starting on one of `starts`: whether the user reached out in it and,
    with `counts`, how many interactions it holds, as (reached_out, count or None) pairs.

    One query of one row: an EXISTS and a range count per week, each answered from the
    (owner, occurred_at) index, rather than grouping every interaction by its local date.
    Written as SQL because a hundred ORM subqueries cost more to build than to run.
    """
    meta = Interaction._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    owner_col, at_col, by_col = (
        quote(meta.get_field(name).column) for name in ("owner", "occurred_at", "initiated_by")
    )
    week = f"FROM {table} WHERE {owner_col} = %s AND {at_col} >= %s AND {at_col} < %s"

    def midnight(day):
        # Local midnight, so a week runs Monday to Sunday in the user's zone (DST included).
        moment = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
        return connection.ops.adapt_datetimefield_value(moment)

    columns, params = [], []
    for day in starts:
        bounds = [midnight(day), midnight(day + datetime.timedelta(weeks=1))]
        columns.append(f"EXISTS(SELECT 1 {week} AND {by_col} = %s)")
        params += [owner.pk, *bounds, Initiator.ME.value]
        if counts:
            columns.append(f"(SELECT COUNT(*) {week})")
            params += [owner.pk, *bounds]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    if counts:
        return [(bool(row[i]), row[i + 1]) for i in range(0, len(row), 2)]
    return [(bool(value), None) for value in row]


def _run(flags: list[bool]) -> int:
    """How many of `flags` are true before the first false one."""
    run = 0
    for flag in flags:
        if not flag:
            break
        run += 1
    return run


def past_weeks_changed(owner_id) -> None:
    """Forget the user's kept past weeks: an interaction dated before last week was written,
    edited or deleted (now, and again at commit, so a chart counted in between is not kept)."""

    def forget():
        try:
            cache.delete(HISTORY_KEY.format(owner_id))
        except Exception:  # noqa: BLE001 - the cache is a shortcut; entries expire anyway
            logger.warning("cache unavailable; past weeks of %s not reset", owner_id)

    forget()
    transaction.on_commit(forget)


def interaction_changed(sender, instance, created=False, **kwargs) -> None:
    """post_save / post_delete of an Interaction (apps.py): the kept past weeks go unless a
    new interaction is dated within the last 7 days, which is never before last week."""
    recent = timezone.now() - datetime.timedelta(days=7)
    if not created or instance.occurred_at < recent:
        past_weeks_changed(instance.owner_id)


def _history_token(owner) -> str | None:
    """The version of the user's past weeks (a new one after past_weeks_changed), or None when
    the cache is unavailable."""
    try:
        token = cache.get(HISTORY_KEY.format(owner.pk))
        if token is None:
            cache.add(HISTORY_KEY.format(owner.pk), secrets.token_hex(6), PAST_WEEKS_TIMEOUT)
            token = cache.get(HISTORY_KEY.format(owner.pk))
        return token
    except Exception:  # noqa: BLE001 - the cache is a shortcut
        logger.warning("cache unavailable; counting the whole history")
        return None


def _cached(key: str | None):
    """What is kept under `key`, or None (no key, nothing kept, or no cache)."""
    try:
        return cache.get(key) if key else None
    except Exception:  # noqa: BLE001 - the cache is a shortcut
        logger.warning("cache unavailable; past weeks counted again")
        return None


def _keep(key: str | None, value) -> None:
    if key:
        try:
            cache.set(key, value, PAST_WEEKS_TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; past weeks not kept")


def _probe_year(owner, starts: list[datetime.date], zone, recent: int, token) -> list[tuple]:
    """_weeks_probe of `starts`, the weeks before the `recent` last ones from the cache while
    none of their interactions changed (the history `token`). One query either way."""
    key = token and f"rhythm:weeks:{owner.pk}:{token}:{zone}:{starts[0]}:{len(starts)}"
    past = _cached(key)
    if past is not None:
        return past + _weeks_probe(owner, starts[-recent:], zone, counts=True)
    probe = _weeks_probe(owner, starts, zone, counts=True)
    _keep(key, probe[:-recent])
    return probe


def _older_flags(owner, starts: list[datetime.date], zone, token) -> list[bool]:
    """Whether the user reached out in each of these weeks, all before last week, kept like
    the year's past weeks: a streak of years costs no query per year on every visit."""
    key = token and f"rhythm:streak:{owner.pk}:{token}:{zone}:{starts[0]}:{len(starts)}"
    flags = _cached(key)
    if flags is None:
        flags = [mine for mine, _ in _weeks_probe(owner, starts, zone, counts=False)]
        _keep(key, flags)
    return flags


def rhythm(owner, today: datetime.date, zone) -> Rhythm:
    """Touches per week (52 weeks, Monday to Sunday in the user's zone), gives per month (12),
    promises kept on time, and the weekly streak of reaching out. Two queries, the weeks before
    last week from the cache while none of their interactions changed; one more for every
    further year of an unbroken streak, kept the same way."""
    this_week = _week_start(today)
    starts = [this_week - datetime.timedelta(weeks=i) for i in range(RHYTHM_WEEKS)][::-1]
    # Last week and this one are always counted: a conversation logged now may land in either.
    token = _history_token(owner)
    probe = _probe_year(owner, starts, zone, recent=2, token=token)
    weeks = [
        Bucket(start, start.strftime("%d %b"), count)
        for start, (_, count) in zip(starts, probe, strict=True)
    ]

    # Newest first. This week still has time: a streak that ended last week is still alive.
    reached_out = [mine for mine, _ in reversed(probe)]
    skip = 0 if reached_out[0] else 1
    streak = _run(reached_out[skip:])
    oldest = starts[0]
    # A streak as long as the chart goes on into older weeks, a year of weeks per query.
    while streak and skip + streak == len(reached_out):
        older = [oldest - datetime.timedelta(weeks=i + 1) for i in range(RHYTHM_WEEKS)]
        flags = _older_flags(owner, older, zone, token)
        reached_out += flags
        streak += _run(flags)
        oldest = older[-1]

    first_month = _add_months(today.replace(day=1), -(RHYTHM_MONTHS - 1))
    month_starts = [_add_months(first_month, i) for i in range(RHYTHM_MONTHS + 1)]
    gives = (
        Support.objects.filter(owner=owner, direction=Direction.GIVE)
        .exclude(status=SupportStatus.DECLINED)
        .annotate(day=Coalesce("done_on", "offered_on"))
    )
    # A promise is settled once it is done or its due date has passed; open ones not yet due
    # can still be kept, so they count neither way.
    promise = Q(due_on__isnull=False)
    totals = gives.aggregate(
        **{
            f"month{i}": Count("id", filter=Q(day__gte=start, day__lt=end, day__lte=today))
            for i, (start, end) in enumerate(zip(month_starts, month_starts[1:]))
        },
        kept=Count(
            "id",
            filter=promise
            & Q(status=SupportStatus.DONE, done_on__isnull=False, done_on__lte=F("due_on")),
        ),
        settled=Count("id", filter=promise & (Q(status=SupportStatus.DONE) | Q(due_on__lt=today))),
    )
    months = [
        Bucket(start, start.strftime("%b %Y"), totals[f"month{i}"])
        for i, start in enumerate(month_starts[:-1])
    ]
    return Rhythm(weeks, months, totals["kept"], totals["settled"], streak)
