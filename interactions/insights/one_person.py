"""One person this week: the contact most worth reaching out to, with the reason and a give.

Ranked from what each contact row stores (last interaction, strength, cadence, circle,
discipline) plus one grouped count of support, so the cost follows the number of contacts, not
the years of history behind them.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from contacts.models import Contact, Discipline, Profile
from contacts.services import get_profile

from ..models import SupportKind
from .reciprocity import support_counts

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


def one_person_this_week(
    owner, today: datetime.date | None = None, *, profile: Profile | None = None
) -> Suggestion | None:
    """The one contact most worth reaching out to this week, with the reason and a suggested
    give; same answer all day (ties broken by a hash of the date and the contact id). Three
    queries whatever the history.

    Score = 0.4 overdue (days since last touch / cadence, capped at 3×) + 0.2 strength/100
    + 0.25 owed (received + asks − gives, capped at 3) + 0.15 outside the usual (discipline
    other than the user's, circle other than the most common one). Contacts touched in the last
    7 days, archived ones and those with reminders off are skipped.
    """
    profile = profile or get_profile(owner)
    zone = profile.zone
    if today is None:
        today = timezone.localdate(timezone=zone)

    rows = list(
        Contact.objects.filter(owner=owner, archived=False, reminders_off=False).values_list(
            "id", "last_interaction_at", "cadence_days", "tier", "strength", "discipline", "circle"
        )
    )
    if not rows:
        return None
    usual_circle = Counter(row[6] for row in rows).most_common(1)[0][0]
    counts = support_counts(owner)
    cadences = {tier: profile.default_cadence(tier) for tier in {row[3] for row in rows}}

    # First the scores (cheap arithmetic per contact), then the hash only among the best.
    scored = []
    for contact_id, last_at, cadence_days, tier, strength, discipline, circle in rows:
        days_since = (today - last_at.astimezone(zone).date()).days if last_at else None
        if days_since is not None and days_since < RECENT_DAYS:
            continue
        cadence = cadence_days or cadences[tier]
        if cadence is None:
            continue  # unsorted: no cadence to measure them against
        ratio = 1.0 if days_since is None else days_since / cadence
        c = counts.get(contact_id)
        owed = c["received"] + c["asks"] - c["gives"] if c else 0
        parts = (
            min(ratio, 3.0) / 3.0,
            strength / 100,
            min(max(owed, 0), 3) / 3,
            # A label not set is not "outside the usual".
            (0.5 if discipline and discipline != profile.own_discipline else 0)
            + (0.5 if circle and circle != usual_circle else 0),
        )
        score = (
            WEIGHT_OVERDUE * parts[0]
            + WEIGHT_STRENGTH * parts[1]
            + WEIGHT_BALANCE * parts[2]
            + WEIGHT_DIVERSITY * parts[3]
        )
        scored.append((round(score, 9), contact_id, days_since, cadence, owed, parts))
    if not scored:
        return None
    top = max(s[0] for s in scored)
    best = max((s for s in scored if s[0] == top), key=lambda s: _tie_break(today, s[1]))
    score, contact_id, days_since, cadence, owed, parts = best
    contact = Contact.objects.get(pk=contact_id)
    c = counts.get(contact_id, {"gives": 0, "received": 0, "asks": 0})
    parts = dict(zip(("overdue", "strength", "balance", "diversity"), parts, strict=True))
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
    if contact.discipline and contact.discipline != profile.own_discipline:
        outside.append(contact.get_discipline_display().lower())
    if contact.circle and contact.circle != usual_circle:
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
