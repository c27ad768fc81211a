"""Diversity: the mix of circles, disciplines and companies among active contacts, compared with
the user's own discipline, company and team, with nudges toward what is missing."""

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, Sum, Window

from contacts.models import Circle, Contact, Discipline, Profile
from contacts.services import get_profile
from network_crm import fragment_cache

logger = logging.getLogger(__name__)

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
    # People whose discipline or circle is not set yet (imported, unsorted): counted apart,
    # never as part of the mix, so the shares above are among the people sorted.
    discipline_unset: int = 0
    circle_unset: int = 0
    average_strength: float = 0.0  # of active contacts, 0-100
    nudges: list[str] = field(default_factory=list)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def diversity(owner, profile: Profile | None = None, top_companies: int = 8) -> Diversity:
    """The mix of circles, disciplines and companies among active contacts, compared with the
    user's own discipline, company and team, with concrete nudges toward what is missing, and
    their average strength.

    The mix is two scans of every active contact (15-22 ms at 30,000, the part of the insights
    page that grew with the account), and a conversation, a give or a follow-up does not change
    it: it is kept per contacts generation (network_crm.fragment_cache), which only writes to
    the contacts themselves move on. The average strength, which every conversation moves, is
    read again when the mix was kept (one scan of the index contact_owner_mix, no grouping)."""
    profile = profile or get_profile(owner)
    contacts = Contact.objects.filter(owner=owner, archived=False)
    key = _mix_key(owner, profile, top_companies)
    result = _kept(key)
    if result is None:
        result = _count_mix(contacts, profile, top_companies)
        _keep(key, result)
    else:
        strength = contacts.aggregate(total=Sum("strength"))["total"] or 0
        result.average_strength = _average(strength, result.total)
    return result


def _average(strength: int, total: int) -> float:
    return round(strength / total, 1) if total else 0.0


def _mix_key(owner, profile: Profile, top_companies: int) -> str | None:
    generation = fragment_cache.contacts_generation(owner.pk)
    if generation is None:
        return None
    own = "\n".join((profile.own_discipline, profile.own_company.strip(), profile.own_team.strip()))
    digest = hashlib.sha256(own.encode()).hexdigest()[:16]
    return f"insights:mix:{owner.pk}:{generation}:{top_companies}:{digest}"


def _kept(key: str | None) -> Diversity | None:
    try:
        return cache.get(key) if key else None
    except Exception:  # noqa: BLE001 - the cache is a shortcut
        logger.warning("cache unavailable; counting the mix again")
        return None


def _keep(key: str | None, result: Diversity) -> None:
    if key:
        try:
            cache.set(key, result, fragment_cache.TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; the mix not kept")


def _count_mix(contacts, profile: Profile, top_companies: int) -> Diversity:
    """The mix and the average strength counted from the rows (two queries, both reading the
    index contact_owner_mix alone)."""
    own_company = profile.own_company.strip()
    own_team = profile.own_team.strip()
    # Same team: the circle says so, or the department matches the user's team.
    same_team = Q(circle=Circle.SAME_TEAM)
    if own_team:
        same_team |= Q(department__iexact=own_team)
    # Counted by circle (never NULL), not by id, which contact_owner_mix does not hold, so that
    # PostgreSQL reads the index alone: 10 -> 4 ms at 30,000 contacts, 28 -> 4 when the rows
    # are not in memory. (Django has no COUNT(*) with a filter.)
    counts = {
        "n": Count("circle"), "same_team": Count("circle", filter=same_team),
        "strength": Sum("strength"),
    }
    if own_company:
        counts["same_company"] = Count("circle", filter=Q(company__iexact=own_company))
    # A row per circle and discipline (at most 60), added up here: one hash aggregate instead
    # of twenty counts filtered on every contact (26 -> 14 ms at 30,000 contacts).
    groups = contacts.values("circle", "discipline").annotate(**counts).order_by()
    by_circle, by_discipline, totals = Counter(), Counter(), Counter()
    for group in groups:
        by_circle[group["circle"]] += group["n"]
        by_discipline[group["discipline"]] += group["n"]
        totals.update({key: group[key] or 0 for key in counts})
    total = totals["n"]
    with_circle = total - by_circle[""]
    with_discipline = total - by_discipline[""]

    circles = [
        Share(key, label, by_circle[key], percent(by_circle[key], with_circle))
        for key, label in Circle.choices
    ]
    disciplines = sorted(
        (
            Share(key, label, by_discipline[key], percent(by_discipline[key], with_discipline))
            for key, label in Discipline.choices
        ),
        key=lambda s: -s.count,
    )
    # The top companies, each row also carrying how many companies there are in all.
    company_rows = list(
        contacts.exclude(company="")
        .values_list("company")
        .annotate(n=Count("*"), company_count=Window(Count("*")))  # COUNT(*): the index alone
        .order_by("-n", "company")[:top_companies]
    )
    companies = [Share(name, name, n, percent(n, total)) for name, n, _ in company_rows]

    # Nothing is "missing" from a network nobody has sorted yet.
    missing_disciplines = [
        Discipline(key).label for key in CORE_DISCIPLINES if not by_discipline[key]
    ] if with_discipline else []
    missing_circles = (
        [label for key, label in Circle.choices if not by_circle[key]] if with_circle else []
    )
    result = Diversity(
        total=total,
        circles=circles,
        disciplines=disciplines,
        companies=companies,
        company_count=company_rows[0][2] if company_rows else 0,
        own_discipline_label=Discipline(profile.own_discipline).label,
        same_discipline_percent=percent(by_discipline[profile.own_discipline], with_discipline),
        own_company=own_company,
        same_company_percent=percent(totals["same_company"], total),
        own_team=own_team,
        same_team_percent=percent(totals["same_team"], total),
        missing_disciplines=missing_disciplines,
        missing_circles=missing_circles,
        discipline_unset=by_discipline[""],
        circle_unset=by_circle[""],
        average_strength=_average(totals["strength"], total),
    )
    result.nudges = _diversity_nudges(result)
    return result


def _diversity_nudges(d: Diversity) -> list[str]:
    if not d.total:
        return ["Add a few contacts to see the mix of your network."]
    nudges = []
    unsorted = max(d.discipline_unset, d.circle_unset)
    if unsorted:
        nudges.append(
            f"{unsorted} of your {d.total} contacts {'is' if unsorted == 1 else 'are'} not "
            f"sorted yet (no discipline or circle): they are left out of the shares below."
        )
    if d.discipline_unset < d.total:
        nudges += _discipline_nudges(d)
    return nudges + _place_nudges(d)


def _discipline_nudges(d: Diversity) -> list[str]:
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
    return nudges


def _place_nudges(d: Diversity) -> list[str]:
    nudges = []
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
