"""Merging two contacts that are the same person, and finding the pairs that probably are.

plan.py says what a merge keeps field by field, relations.py moves every row that points at a
contact (through Django's relation metadata, so contacts never names the apps built on it),
services.py merges, duplicates.py finds the likely pairs and stored.py keeps what it found,
selectors.py reads what the pick screen shows, views.py and urls.py are the screens under /data/.
"""

from .duplicates import DuplicatePair, possible_duplicates
from .plan import MergeError, MergePlan, plan_merge
from .services import merge_contacts

__all__ = [
    "DuplicatePair",
    "MergeError",
    "MergePlan",
    "merge_contacts",
    "plan_merge",
    "possible_duplicates",
]
