"""Insights about the user's network (selectors, plus one periodic service): relationship
strength, balance of support, diversity, dormant ties, rhythm, and "one person this week".

Every selector runs a fixed number of aggregate queries whatever the number of contacts, and the
SQL is plain enough for both SQLite and PostgreSQL; the small formulas run in Python.
"""

import datetime
import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, FloatField, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from interactions.models import (
    Direction,
    Initiator,
    Interaction,
    InteractionKind,
    Support,
    SupportKind,
    SupportStatus,
)

from .models import Circle, Contact, Discipline, Profile
from .services import get_profile

# --- Strength -------------------------------------------------------------------------------

STRENGTH_HALF_LIFE_DAYS = 90
STRENGTH_SCALE = 5.0
SUPPORT_WEIGHT = 1.5
# A touch is worth more when it is a real conversation than when it is a quick message.
INTERACTION_WEIGHTS = {
    InteractionKind.COFFEE: 1.0,
    InteractionKind.MENTORING: 1.0,
    InteractionKind.VIDEO: 0.8,
    InteractionKind.CALL: 0.8,
    InteractionKind.EVENT: 0.6,
    InteractionKind.CODE_REVIEW: 0.5,
    InteractionKind.OTHER: 0.5,
    InteractionKind.EMAIL: 0.4,
    InteractionKind.MESSAGE: 0.3,
    InteractionKind.COMMUNITY: 0.3,
}
DEFAULT_INTERACTION_WEIGHT = 0.5
# Age buckets in days, [start, end). SQL sums the weights per bucket (portable, no EXP or date
# arithmetic in the database); each bucket then decays as if its touches were at its midpoint.
AGE_BUCKETS = ((0, 14), (14, 30), (30, 60), (60, 90), (90, 180), (180, 365), (365, 730))


def bucket_decay(start: int, end: int) -> float:
    """How much a touch in the age bucket [start, end) days still counts: half-life decay at the
    bucket's midpoint."""
    midpoint = (start + end) / 2
    return 0.5 ** (midpoint / STRENGTH_HALF_LIFE_DAYS)


BUCKET_DECAYS = tuple(bucket_decay(start, end) for start, end in AGE_BUCKETS)


def strength_from_raw(raw: float) -> float:
    """Squash a sum of decayed touch weights into 0–100: 100 × (1 − e^(−raw / 5)), one decimal."""
    return round(100 * (1 - math.exp(-max(raw, 0.0) / STRENGTH_SCALE)), 1)


STRENGTH_EXPLANATION = (
    f"Every interaction in the last two years adds its kind's weight (coffee or mentoring 1, "
    f"call or video 0.8, event 0.6, code review 0.5, email 0.4, message or community post 0.3), "
    f"and every give or received support (not declined) adds {SUPPORT_WEIGHT}. Each contribution "
    f"halves every {STRENGTH_HALF_LIFE_DAYS} days (touches are grouped by age: under 2 weeks, "
    f"2–4 weeks, 1–2 months, 2–3 months, 3–6 months, 6–12 months, 1–2 years). The sum is squashed "
    f"into 0–100 as 100 × (1 − e^(−sum / {STRENGTH_SCALE:g})): one coffee today gives about 17, "
    f"a monthly coffee for a year about 56, a weekly one for three months about 85."
)


def _bucket_filters(lookup: str, now):
    """One Q per age bucket on `lookup` (a datetime or date field), newest first; the newest
    bucket also takes anything dated in the future."""
    filters = []
    for index, (start, end) in enumerate(AGE_BUCKETS):
        q = Q(**{f"{lookup}__gt": now - datetime.timedelta(days=end)})
        if index:
            q &= Q(**{f"{lookup}__lte": now - datetime.timedelta(days=start)})
        filters.append(q)
    return filters


def raw_strengths(now: datetime.datetime, owner_id=None, contact_ids=None) -> dict[int, float]:
    """Sum of decayed touch and support weights per contact id (two aggregate queries; one
    owner, or every owner when owner_id is None; optionally only a few contacts)."""
    raw: dict[int, float] = defaultdict(float)

    through = Interaction.contacts.through.objects.all()
    if owner_id is not None:
        through = through.filter(interaction__owner_id=owner_id)
    if contact_ids is not None:
        through = through.filter(contact_id__in=contact_ids)
    weight = Case(
        *[When(interaction__kind=kind, then=Value(w)) for kind, w in INTERACTION_WEIGHTS.items()],
        default=Value(DEFAULT_INTERACTION_WEIGHT),
        output_field=FloatField(),
    )
    buckets = {
        f"b{i}": Sum(weight, filter=q)
        for i, q in enumerate(_bucket_filters("interaction__occurred_at", now))
    }
    oldest = now - datetime.timedelta(days=AGE_BUCKETS[-1][1])
    rows = (
        through.filter(interaction__occurred_at__gt=oldest)
        .values("contact_id")
        .annotate(**buckets)
        .order_by()
    )
    for row in rows:
        raw[row["contact_id"]] += sum(
            (row[f"b{i}"] or 0) * decay for i, decay in enumerate(BUCKET_DECAYS)
        )

    today = now.date()
    supports = Support.objects.filter(
        direction__in=[Direction.GIVE, Direction.RECEIVED]
    ).exclude(status=SupportStatus.DECLINED)
    if owner_id is not None:
        supports = supports.filter(owner_id=owner_id)
    if contact_ids is not None:
        supports = supports.filter(contact_id__in=contact_ids)
    supports = supports.annotate(day=Coalesce("done_on", "offered_on"))
    counts = {
        f"b{i}": Count("id", filter=q) for i, q in enumerate(_bucket_filters("day", today))
    }
    rows = (
        supports.filter(day__gt=today - datetime.timedelta(days=AGE_BUCKETS[-1][1]))
        .values("contact_id")
        .annotate(**counts)
        .order_by()
    )
    for row in rows:
        raw[row["contact_id"]] += SUPPORT_WEIGHT * sum(
            row[f"b{i}"] * decay for i, decay in enumerate(BUCKET_DECAYS)
        )
    return raw


def strength_scores(owner, now: datetime.datetime | None = None) -> dict[int, float]:
    """Strength 0–100 per contact id of `owner` that has any touch or support in two years
    (contacts missing from the dict are at 0)."""
    now = now or timezone.now()
    return {cid: strength_from_raw(r) for cid, r in raw_strengths(now, owner.pk).items()}


def recompute_strength(
    owner_id=None, now: datetime.datetime | None = None, batch_size=500, *, contact_ids=None
) -> int:
    """Store the current strength on every contact (of one owner, or all, or only `contact_ids`,
    e.g. right after logging an interaction); returns how many changed. Meant to run daily so
    decay shows on the contacts list."""
    now = now or timezone.now()
    if contact_ids is not None:
        contact_ids = list(contact_ids)
    raw = raw_strengths(now, owner_id, contact_ids)
    contacts = Contact.objects.all()
    if owner_id is not None:
        contacts = contacts.filter(owner_id=owner_id)
    if contact_ids is not None:
        contacts = contacts.filter(id__in=contact_ids)
    changed = []
    updated = 0
    for contact_id, stored in contacts.values_list("id", "strength").iterator(chunk_size=2000):
        value = strength_from_raw(raw.get(contact_id, 0.0))
        if value != stored:
            changed.append(Contact(id=contact_id, strength=value))
        if len(changed) >= batch_size:
            Contact.objects.bulk_update(changed, ["strength"])
            updated += len(changed)
            changed = []
    if changed:
        Contact.objects.bulk_update(changed, ["strength"])
        updated += len(changed)
    return updated


# --- Balance --------------------------------------------------------------------------------


@dataclass
class BalanceRow:
    contact: Contact
    gives: int
    received: int
    asks: int

    @property
    def taken(self) -> int:
        return self.received + self.asks

    @property
    def net(self) -> int:
        """Positive when the user has given more than they received and asked."""
        return self.gives - self.taken


@dataclass
class Balance:
    gives: int
    received: int
    asks: int
    rows: list[BalanceRow]

    @property
    def net(self) -> int:
        return self.gives - self.received - self.asks

    @property
    def give_before_you_ask(self) -> list[BalanceRow]:
        """Contacts who gave or were asked more than they got back, most owed first."""
        return [row for row in self.rows if row.net < 0]


def support_counts(owner) -> dict[int, dict[str, int]]:
    """Gives, received and asks (not declined) per contact id, in one aggregate query."""
    supports = Support.objects.filter(owner=owner).exclude(status=SupportStatus.DECLINED)
    rows = (
        supports.values("contact_id")
        .annotate(
            gives=Count("id", filter=Q(direction=Direction.GIVE)),
            received=Count("id", filter=Q(direction=Direction.RECEIVED)),
            asks=Count("id", filter=Q(direction=Direction.ASK)),
        )
        .order_by()
    )
    return {row.pop("contact_id"): row for row in rows}


def balance(owner) -> Balance:
    """Given versus received and asked, overall and per contact; rows sorted with the contacts
    the user owes most first ("give before you ask")."""
    counts = support_counts(owner)
    contacts = Contact.objects.filter(owner=owner, id__in=list(counts)).in_bulk()
    rows = [
        BalanceRow(contacts[cid], c["gives"], c["received"], c["asks"])
        for cid, c in counts.items()
        if cid in contacts
    ]
    rows.sort(key=lambda r: (r.net, -r.asks, r.contact.name.lower()))
    return Balance(
        gives=sum(r.gives for r in rows),
        received=sum(r.received for r in rows),
        asks=sum(r.asks for r in rows),
        rows=rows,
    )


# --- Diversity ------------------------------------------------------------------------------

# How the nudge names the people of a discipline ("84% of your network are engineers").
DISCIPLINE_PEOPLE = {
    Discipline.ENGINEERING: "are engineers",
    Discipline.PRODUCT: "are product people",
    Discipline.DESIGN: "are designers",
    Discipline.DATA: "are data people",
    Discipline.LEADERSHIP: "are leaders",
    Discipline.OPERATIONS: "work in operations",
    Discipline.SALES_MARKETING: "work in sales & marketing",
    Discipline.PEOPLE: "work in people & recruiting",
    Discipline.OTHER: "work in other fields",
}
# Disciplines worth having someone in, in the order the nudge names them.
# (An engineering manager's work crosses these daily; the others are nice to have.)
CORE_DISCIPLINES = (
    Discipline.DESIGN,
    Discipline.PRODUCT,
    Discipline.DATA,
    Discipline.LEADERSHIP,
    Discipline.ENGINEERING,
)
CONCENTRATION_PERCENT = 50


@dataclass
class Share:
    key: str
    label: str
    count: int
    percent: int


@dataclass
class Diversity:
    total: int
    circles: list[Share]
    disciplines: list[Share]
    companies: list[Share]
    company_count: int
    own_discipline_label: str
    same_discipline_percent: int
    own_company: str
    same_company_percent: int
    own_team: str
    same_team_percent: int
    missing_disciplines: list[str]
    missing_circles: list[str]
    nudges: list[str] = field(default_factory=list)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def diversity(owner, profile: Profile | None = None, top_companies: int = 8) -> Diversity:
    """The mix of circles, disciplines and companies among active contacts, compared with the
    user's own discipline, company and team, with concrete nudges toward what is missing."""
    profile = profile or get_profile(owner)
    contacts = Contact.objects.filter(owner=owner, archived=False)
    own_company = profile.own_company.strip()
    own_team = profile.own_team.strip()
    # Same team: the circle says so, or the department matches the user's team.
    same_team = Q(circle=Circle.SAME_TEAM)
    if own_team:
        same_team |= Q(department__iexact=own_team)
    aggregates = {
        "total": Count("id"),
        "same_discipline": Count("id", filter=Q(discipline=profile.own_discipline)),
        "same_team": Count("id", filter=same_team),
        "companies": Count("company", distinct=True, filter=~Q(company="")),
    }
    if own_company:
        aggregates["same_company"] = Count("id", filter=Q(company__iexact=own_company))
    totals = {"same_company": 0, **contacts.aggregate(**aggregates)}
    total = totals["total"]

    by_circle = dict(contacts.values_list("circle").annotate(n=Count("id")).order_by())
    by_discipline = dict(contacts.values_list("discipline").annotate(n=Count("id")).order_by())
    circles = [
        Share(key, label, by_circle.get(key, 0), _percent(by_circle.get(key, 0), total))
        for key, label in Circle.choices
    ]
    disciplines = sorted(
        (
            Share(key, label, by_discipline.get(key, 0), _percent(by_discipline.get(key, 0), total))
            for key, label in Discipline.choices
        ),
        key=lambda s: -s.count,
    )
    company_rows = (
        contacts.exclude(company="")
        .values_list("company")
        .annotate(n=Count("id"))
        .order_by("-n", "company")[:top_companies]
    )
    companies = [Share(name, name, n, _percent(n, total)) for name, n in company_rows]

    missing_disciplines = [
        Discipline(key).label for key in CORE_DISCIPLINES if not by_discipline.get(key)
    ]
    missing_circles = [label for key, label in Circle.choices if not by_circle.get(key)]
    result = Diversity(
        total=total,
        circles=circles,
        disciplines=disciplines,
        companies=companies,
        company_count=totals["companies"],
        own_discipline_label=Discipline(profile.own_discipline).label,
        same_discipline_percent=_percent(totals["same_discipline"], total),
        own_company=own_company,
        same_company_percent=_percent(totals["same_company"], total),
        own_team=own_team,
        same_team_percent=_percent(totals["same_team"], total),
        missing_disciplines=missing_disciplines,
        missing_circles=missing_circles,
    )
    result.nudges = _diversity_nudges(result)
    return result


def _diversity_nudges(d: Diversity) -> list[str]:
    if not d.total:
        return ["Add a few contacts to see the mix of your network."]
    nudges = []
    top = d.disciplines[0]
    missing = [label.lower() for label in d.missing_disciplines]
    if top.percent >= CONCENTRATION_PERCENT:
        sentence = f"{top.percent}% of your network {DISCIPLINE_PEOPLE[top.key]}"
        if missing:
            sentence += f"; you have no one in {_join_words(missing)}"
        nudges.append(sentence + ".")
    elif missing:
        nudges.append(f"You have no one in {_join_words(missing)}.")
    if not missing:
        # Nothing is missing: point at the thinnest discipline that matters, so there is
        # always one concrete next step.
        core = [s for s in d.disciplines if s.key in CORE_DISCIPLINES]
        thinnest = min(core, key=lambda s: (s.count, CORE_DISCIPLINES.index(s.key)))
        if thinnest.key != top.key:
            nudges.append(
                f"Only {thinnest.percent}% of your network {DISCIPLINE_PEOPLE[thinnest.key]} "
                f"({thinnest.count}); meet one more this month."
            )
    if d.own_company and d.same_company_percent >= CONCENTRATION_PERCENT:
        nudges.append(
            f"{d.same_company_percent}% of your network work at {d.own_company}; "
            f"meet someone at another company (a meetup or an online community)."
        )
    if d.same_team_percent >= CONCENTRATION_PERCENT:
        nudges.append(
            f"{d.same_team_percent}% of your network are in your own team; "
            f"have coffee with someone from another department."
        )
    if d.missing_circles:
        nudges.append(f"No one yet from: {_join_words([c.lower() for c in d.missing_circles])}.")
    return nudges


# --- Dormant ties ---------------------------------------------------------------------------

DORMANT_MIN_TOUCHES = 3
DORMANT_AFTER_DAYS = 180


@dataclass
class DormantTie:
    contact: Contact
    touches: int
    last_at: datetime.datetime
    days_quiet: int


def dormant_ties(owner, now: datetime.datetime | None = None, limit: int = 10) -> list[DormantTie]:
    """Active contacts with at least 3 interactions but none in the last 180 days, the ones with
    the most history first (then the most recently lost)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=DORMANT_AFTER_DAYS)
    contacts = (
        Contact.objects.filter(owner=owner, archived=False)
        .annotate(touches=Count("interactions"), last_at=Max("interactions__occurred_at"))
        .filter(touches__gte=DORMANT_MIN_TOUCHES, last_at__lt=cutoff)
        .order_by("-touches", "-last_at", "name")[:limit]
    )
    return [DormantTie(c, c.touches, c.last_at, (now - c.last_at).days) for c in contacts]


REVIVED_WINDOW_DAYS = 90


@dataclass
class RevivedTie:
    contact: Contact
    revived_at: datetime.datetime
    gap_days: int


def revived_ties(
    owner, now: datetime.datetime | None = None, window_days: int = REVIVED_WINDOW_DAYS
) -> list[RevivedTie]:
    """Dormant ties the user revived: contacts whose first conversation in the last 90 days came
    after at least 180 quiet days (one aggregate query), longest gap first."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=window_days)
    touched = "interactions__occurred_at"
    contacts = (
        Contact.objects.filter(owner=owner)
        .annotate(
            revived_at=Min(touched, filter=Q(interactions__occurred_at__gte=since)),
            previous_at=Max(touched, filter=Q(interactions__occurred_at__lt=since)),
        )
        .filter(revived_at__isnull=False, previous_at__isnull=False)
    )
    ties = [
        RevivedTie(c, c.revived_at, (c.revived_at - c.previous_at).days)
        for c in contacts
        if (c.revived_at - c.previous_at).days >= DORMANT_AFTER_DAYS
    ]
    ties.sort(key=lambda t: (-t.gap_days, t.contact.name))
    return ties


# --- Rhythm ---------------------------------------------------------------------------------

RHYTHM_WEEKS = 52
RHYTHM_MONTHS = 12


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
        return _percent(self.promises_kept, self.promises_due) if self.promises_due else None

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


def rhythm(owner, today: datetime.date, zone) -> Rhythm:
    """Touches per week (52 weeks, Monday to Sunday in the user's zone), gives per month (12),
    promises kept on time, and the weekly streak of reaching out."""
    this_week = _week_start(today)
    first_week = this_week - datetime.timedelta(weeks=RHYTHM_WEEKS - 1)

    # One row per day with any interaction (a few hundred a year): counted into weeks in Python.
    days = (
        Interaction.objects.filter(owner=owner)
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(initiated_by=Initiator.ME)))
        .order_by()
    )
    per_week: Counter = Counter()
    my_weeks = set()
    for row in days:
        week = _week_start(row["day"])
        per_week[week] += row["n"]
        if row["mine"]:
            my_weeks.add(week)
    weeks = []
    for i in range(RHYTHM_WEEKS):
        start = first_week + datetime.timedelta(weeks=i)
        weeks.append(Bucket(start, start.strftime("%d %b"), per_week.get(start, 0)))

    # This week still has time: a streak that ended last week is still alive.
    streak = 0
    week = this_week if this_week in my_weeks else this_week - datetime.timedelta(weeks=1)
    while week in my_weeks:
        streak += 1
        week -= datetime.timedelta(weeks=1)

    first_month = _add_months(today.replace(day=1), -(RHYTHM_MONTHS - 1))
    gives = Support.objects.filter(owner=owner, direction=Direction.GIVE).exclude(
        status=SupportStatus.DECLINED
    )
    give_days = (
        gives.annotate(day=Coalesce("done_on", "offered_on"))
        .filter(day__gte=first_month, day__lte=today)
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_month: Counter = Counter()
    for row in give_days:
        per_month[row["day"].replace(day=1)] += row["n"]
    months = []
    for i in range(RHYTHM_MONTHS):
        start = _add_months(first_month, i)
        months.append(Bucket(start, start.strftime("%b %Y"), per_month.get(start, 0)))

    # A promise is settled once it is done or its due date has passed; open ones not yet due
    # can still be kept, so they count neither way.
    promises = gives.filter(due_on__isnull=False).aggregate(
        kept=Count(
            "id",
            filter=Q(status=SupportStatus.DONE, done_on__isnull=False, done_on__lte=F("due_on")),
        ),
        settled=Count("id", filter=Q(status=SupportStatus.DONE) | Q(due_on__lt=today)),
    )
    return Rhythm(weeks, months, promises["kept"], promises["settled"], streak)


# --- One person this week -------------------------------------------------------------------

RECENT_DAYS = 7
WEIGHT_OVERDUE = 0.4
WEIGHT_STRENGTH = 0.2
WEIGHT_BALANCE = 0.25
WEIGHT_DIVERSITY = 0.15

# A give that suits someone of this discipline when nothing better is known. Like the reason,
# a lower-case phrase without a final full stop: the digest and dashboard templates add it.
GIVE_BY_DISCIPLINE = {
    Discipline.ENGINEERING: (
        SupportKind.KNOWLEDGE,
        "share an article or a tool that would help with their current work",
    ),
    Discipline.PRODUCT: (
        SupportKind.SOUNDING_BOARD,
        "offer to be a sounding board on their roadmap from the engineering side",
    ),
    Discipline.DESIGN: (
        SupportKind.REVIEW,
        "ask what they are designing and offer an engineer's review of it",
    ),
    Discipline.DATA: (
        SupportKind.KNOWLEDGE,
        "share a dataset, paper or pipeline trick relevant to their work",
    ),
    Discipline.LEADERSHIP: (
        SupportKind.AMPLIFY,
        "amplify something their team shipped, or offer a sounding board",
    ),
    Discipline.OPERATIONS: (
        SupportKind.HELP,
        "offer help automating something repetitive they mentioned",
    ),
    Discipline.SALES_MARKETING: (
        SupportKind.REVIEW,
        "offer a technical review of their next launch or pitch",
    ),
    Discipline.PEOPLE: (
        SupportKind.REFERRAL,
        "refer a strong candidate or share what you learned hiring",
    ),
    Discipline.OTHER: (
        SupportKind.KNOWLEDGE,
        "share an article they would enjoy, or offer an intro",
    ),
}


@dataclass
class Suggestion:
    """`reason` and `suggested_give` are lower-case phrases without a final full stop (the
    templates add it); `give_kind` is the SupportKind to pre-fill when logging the give."""

    contact: Contact
    reason: str
    suggested_give: str
    give_kind: str = SupportKind.HELP
    score: float = 0.0
    parts: dict = field(default_factory=dict)


def _cadence(contact: Contact, profile: Profile) -> int:
    return contact.cadence_days or profile.default_cadence(contact.tier)


def one_person_this_week(
    owner, today: datetime.date | None = None, *, profile: Profile | None = None
) -> Suggestion | None:
    """The one contact most worth reaching out to this week, with the reason and a suggested
    give; same answer all day (ties broken by a hash of the date and the contact id).

    Score = 0.4 overdue (days since last touch / cadence, capped at 3×) + 0.2 strength/100
    + 0.25 owed (received + asks − gives, capped at 3) + 0.15 outside the usual (discipline
    other than the user's, circle other than the most common one). Contacts touched in the last
    7 days, archived ones and those with reminders off are skipped.
    """
    profile = profile or get_profile(owner)
    zone = profile.zone
    if today is None:
        today = timezone.localdate(timezone=zone)
    now = datetime.datetime.combine(today, datetime.time(12), tzinfo=zone)

    contacts = list(Contact.objects.filter(owner=owner, archived=False, reminders_off=False))
    if not contacts:
        return None
    # Grouped over all the owner's rows rather than `contact_id IN (…thousands…)`, which SQLite
    # plans badly; archived contacts' rows are simply not looked up.
    last_touch = dict(
        Interaction.contacts.through.objects.filter(interaction__owner=owner)
        .values_list("contact_id")
        .annotate(last=Max("interaction__occurred_at"))
        .order_by()
    )
    counts = support_counts(owner)
    strengths = {cid: strength_from_raw(r) for cid, r in raw_strengths(now, owner.pk).items()}
    usual_circle = Counter(c.circle for c in contacts).most_common(1)[0][0]

    best = None
    for contact in contacts:
        last = last_touch.get(contact.id)
        days_since = (today - timezone.localtime(last, zone).date()).days if last else None
        if days_since is not None and days_since < RECENT_DAYS:
            continue
        cadence = _cadence(contact, profile)
        ratio = 1.0 if days_since is None else days_since / cadence
        c = counts.get(contact.id, {"gives": 0, "received": 0, "asks": 0})
        owed = c["received"] + c["asks"] - c["gives"]
        outside_discipline = contact.discipline != profile.own_discipline
        outside_circle = contact.circle != usual_circle
        parts = {
            "overdue": min(ratio, 3.0) / 3.0,
            "strength": strengths.get(contact.id, 0.0) / 100,
            "balance": min(max(owed, 0), 3) / 3,
            "diversity": (0.5 if outside_discipline else 0) + (0.5 if outside_circle else 0),
        }
        score = (
            WEIGHT_OVERDUE * parts["overdue"]
            + WEIGHT_STRENGTH * parts["strength"]
            + WEIGHT_BALANCE * parts["balance"]
            + WEIGHT_DIVERSITY * parts["diversity"]
        )
        key = (round(score, 9), _tie_break(today, contact.id))
        if best is None or key > best[0]:
            best = (key, contact, parts, days_since, cadence, c, owed)
    if best is None:
        return None
    (score, _), contact, parts, days_since, cadence, c, owed = best
    give_kind, give = _suggested_give(contact, owed)
    return Suggestion(
        contact=contact,
        reason=_reason(contact, profile, parts, days_since, cadence, c, owed, usual_circle),
        suggested_give=give,
        give_kind=give_kind,
        score=score,
        parts=parts,
    )


def _tie_break(today: datetime.date, contact_id: int) -> str:
    return hashlib.sha256(f"{today.isoformat()}:{contact_id}".encode()).hexdigest()


def _reason(contact, profile, parts, days_since, cadence, counts, owed, usual_circle) -> str:
    reasons = []
    if days_since is None:
        reasons.append("you have not logged a conversation with them yet")
    elif days_since >= cadence:
        reasons.append(f"last talked {days_since} days ago, cadence {cadence}")
    else:
        reasons.append(f"last talked {days_since} days ago")
    if owed > 0:
        reasons.append(
            f"you owe them a give ({counts['received']} received and {counts['asks']} asked, "
            f"{counts['gives']} given)"
        )
    if parts["strength"] >= 0.5:
        reasons.append(f"a strong tie (strength {round(parts['strength'] * 100)})")
    outside = []
    if contact.discipline != profile.own_discipline:
        outside.append(contact.get_discipline_display().lower())
    if contact.circle != usual_circle:
        outside.append(contact.get_circle_display().lower())
    if outside:
        reasons.append(f"outside your usual circle ({', '.join(outside)})")
    return "; ".join(reasons)


def _suggested_give(contact: Contact, owed: int) -> tuple[str, str]:
    if contact.working_on:
        working_on = contact.working_on.strip().rstrip(".")
        kind = SupportKind.HELP
        give = f"share something that helps with what they are working on: {working_on}"
    else:
        default = GIVE_BY_DISCIPLINE[Discipline.OTHER]
        kind, give = GIVE_BY_DISCIPLINE.get(contact.discipline, default)
    if owed > 0:
        give = "return the favour: " + give
    return kind, give
