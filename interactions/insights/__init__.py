"""Insights about the user's network (selectors, plus the strength recomputation): relationship
strength, balance of support, diversity, dormant ties, rhythm, and "one person this week".

Pages read what contact rows store (strength, last interaction) and let the database aggregate
the rest, so every selector runs a fixed number of queries whatever the years of history; the
SQL stays plain enough for both SQLite and PostgreSQL.
"""

from .activity import RHYTHM_MONTHS, RHYTHM_WEEKS, Bucket, Rhythm, rhythm
from .mix import CORE_DISCIPLINES, DISCIPLINE_PEOPLE, Diversity, Share, diversity
from .one_person import GIVE_BY_DISCIPLINE, Suggestion, one_person_this_week
from .reciprocity import Balance, BalanceRow, balance, support_counts
from .strength import (
    STRENGTH_EXPLANATION,
    raw_strengths,
    recompute_strength,
    strength_from_raw,
    strength_scores,
    strongest_ties,
)
from .ties import (
    DORMANT_AFTER_DAYS,
    DORMANT_MIN_TOUCHES,
    REVIVED_WINDOW_DAYS,
    DormantTie,
    RevivedTie,
    dormant_ties,
    revived_ties,
)

__all__ = [
    "CORE_DISCIPLINES",
    "DISCIPLINE_PEOPLE",
    "DORMANT_AFTER_DAYS",
    "DORMANT_MIN_TOUCHES",
    "GIVE_BY_DISCIPLINE",
    "REVIVED_WINDOW_DAYS",
    "RHYTHM_MONTHS",
    "RHYTHM_WEEKS",
    "STRENGTH_EXPLANATION",
    "Balance",
    "BalanceRow",
    "Bucket",
    "Diversity",
    "DormantTie",
    "RevivedTie",
    "Rhythm",
    "Share",
    "Suggestion",
    "balance",
    "diversity",
    "dormant_ties",
    "one_person_this_week",
    "raw_strengths",
    "recompute_strength",
    "revived_ties",
    "rhythm",
    "strength_from_raw",
    "strength_scores",
    "strongest_ties",
    "support_counts",
]
