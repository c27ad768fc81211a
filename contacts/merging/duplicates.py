"""Pairs of contacts that are probably one person, for the possible-duplicates page and the
merge screen's suggestions.

Contacts are never compared pair by pair (30,000 contacts are 450 million pairs): each gets
*blocking keys*, and only contacts that share a key are compared. The keys are the strong
identifiers (email, phone number, LinkedIn profile), the name keys that the import uses for
its possible duplicates (contacts.names: script, accents, word order, nickname, phonetic name),
and, within one company, the name with any one letter left out (two names one typo apart
share such a key) or the first name cut to its initial ("Ben Carter" and "Benjamin Carter").
A key shared by more than `NAME_GROUP_LIMIT` contacts is a common name, not a lead.

Finding them reads every contact of the account (seconds at 30,000 contacts): the pages read
what stored.py keeps of the last search.
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count

from ..importing.normalize import norm_company, norm_linkedin, norm_name
from ..models import Contact, ContactEmail, ContactPhone
from ..names import name_keys

# A name key shared by more contacts than this is a common name, not a lead.
NAME_GROUP_LIMIT = 20
SAME_COMPANY = "similar names at the same company"
SAME_NAME = "the same name, written differently"


@dataclass
class DuplicatePair:
    first: Contact
    second: Contact
    reasons: list[str]


def _similar_names(a: str, b: str) -> bool:
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    if len(ta) >= 2 and len(tb) >= 2 and ta[-1] == tb[-1]:
        # Same family name, and one first name starts the other ("Ben" / "Benjamin").
        if ta[0].startswith(tb[0]) or tb[0].startswith(ta[0]):
            return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.88


def _company_name_keys(name: str) -> set[str]:
    """Keys two names at one company share when `_similar_names` may hold for them: the name
    with at most one letter left out (a typo: a changed, missing or extra letter), and the
    first name's initial with the other words (a first name and its beginning)."""
    keys = {name}
    for i in range(len(name)):
        if name[i] != " ":
            keys.add(name[:i] + name[i + 1 :])
    first, _, rest = name.partition(" ")
    if rest:
        keys.add(f"{first[0]}…{rest}")
    return keys


def find_pairs(owner) -> list[tuple[int, int, list[str]]]:
    """Every pair of the owner's contacts that may be one person, as (first id, second id,
    reasons), by id: same email, LinkedIn URL or phone number, very similar names at the same
    company, or one name in another spelling unless their LinkedIn profiles differ. Four
    queries whatever the size."""
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def add(ids, reason):
        for pair in combinations(sorted(set(ids)), 2):
            found = reasons[pair]
            if reason not in found:
                found.append(reason)

    shared = (
        ContactEmail.objects.filter(contact__owner=owner)
        .values("email")
        .annotate(n=Count("contact_id", distinct=True))
        .filter(n__gt=1)
        .values_list("email", flat=True)
    )
    by_email = defaultdict(list)
    for email, contact_id in ContactEmail.objects.filter(
        contact__owner=owner, email__in=shared
    ).values_list("email", "contact_id"):
        by_email[email].append(contact_id)
    for email, ids in by_email.items():
        add(ids, f"same email {email}")
    by_phone = defaultdict(set)
    for number, contact_id in ContactPhone.objects.filter(
        contact__owner=owner, number__startswith="+"
    ).values_list("number", "contact_id"):
        by_phone[number].add(contact_id)
    for number, ids in by_phone.items():
        if len(ids) > 1:
            add(ids, f"same phone {number}")

    by_link, by_company, by_name = defaultdict(list), defaultdict(set), defaultdict(set)
    links, names = {}, {}
    for contact_id, name, company, linkedin, phonetic in Contact.objects.filter(
        owner=owner
    ).values_list("id", "name", "company", "linkedin_url", "phonetic_name"):
        if link := norm_linkedin(linkedin):
            by_link[link].append(contact_id)
            links[contact_id] = link
        if (company_key := norm_company(company)) and (folded := norm_name(name)):
            names[contact_id] = folded
            for key in _company_name_keys(folded):
                by_company[company_key, key].add(contact_id)
        for key in name_keys(name, phonetic):
            by_name[key].add(contact_id)
    for ids in by_link.values():
        if len(ids) > 1:
            add(ids, "same LinkedIn profile")
    compared = set()
    for ids in by_company.values():
        if 1 < len(ids) <= NAME_GROUP_LIMIT:
            for pair in combinations(sorted(ids), 2):
                if pair not in compared:
                    compared.add(pair)
                    if _similar_names(names[pair[0]], names[pair[1]]):
                        add(pair, SAME_COMPANY)
    for ids in by_name.values():
        if 1 < len(ids) <= NAME_GROUP_LIMIT:
            for a, b in combinations(sorted(ids), 2):
                # Two LinkedIn profiles are two people, however alike their names.
                differ = a in links and b in links and links[a] != links[b]
                if not differ and (a, b) not in reasons:
                    add([a, b], SAME_NAME)
    return [(a, b, why) for (a, b), why in sorted(reasons.items())]


def with_contacts(owner, pairs) -> list[DuplicatePair]:
    """The pairs with their contacts, in one query; a pair whose contact is gone since it was
    found (merged, deleted) is left out."""
    contacts = Contact.objects.filter(owner=owner).in_bulk({i for a, b, _ in pairs for i in (a, b)})
    return [
        DuplicatePair(contacts[a], contacts[b], why)
        for a, b, why in pairs
        if a in contacts and b in contacts
    ]


def possible_duplicates(owner, limit: int = 200) -> list[DuplicatePair]:
    """The first `limit` pairs of the owner's contacts that may be one person, found now."""
    return with_contacts(owner, find_pairs(owner)[:limit])
