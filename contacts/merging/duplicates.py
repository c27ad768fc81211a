"""Pairs of contacts that are probably one person, for the possible-duplicates page and the
merge screen's suggestions."""

import difflib
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count

from ..importing.matching import norm_company, norm_linkedin, norm_name
from ..models import Contact, ContactEmail, ContactPhone
from ..names import name_keys

# A name key shared by more contacts than this is a common name, not a lead.
NAME_GROUP_LIMIT = 20


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


def possible_duplicates(owner, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of the owner's contacts that may be one person: same email, LinkedIn URL or phone
    number, very similar names at the same company, or one name in another spelling (script,
    accents, word order, nickname, phonetic name: contacts.names) unless their LinkedIn
    profiles differ. A few queries whatever the size."""
    rows = list(
        Contact.objects.filter(owner=owner).values_list(
            "id", "name", "company", "linkedin_url", "phonetic_name"
        )
    )
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def add(ids, reason):
        for a, b in combinations(sorted(set(ids)), 2):
            if reason not in reasons[(a, b)]:
                reasons[(a, b)].append(reason)

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
    by_link, by_company, by_name = defaultdict(list), defaultdict(list), defaultdict(set)
    links = {}
    for contact_id, name, company, linkedin, phonetic in rows:
        if link := norm_linkedin(linkedin):
            by_link[link].append(contact_id)
            links[contact_id] = link
        if company_key := norm_company(company):
            by_company[company_key].append((contact_id, norm_name(name)))
        for key in name_keys(name, phonetic):
            by_name[key].add(contact_id)
    for ids in by_link.values():
        if len(ids) > 1:
            add(ids, "same LinkedIn profile")
    for members in by_company.values():
        if len(members) > 300:
            continue  # a big employer: comparing every pair would be slow and noisy
        for (a, name_a), (b, name_b) in combinations(members, 2):
            if name_a and name_b and _similar_names(name_a, name_b):
                add([a, b], "similar names at the same company")
    for ids in by_name.values():
        if 1 < len(ids) <= NAME_GROUP_LIMIT:
            for a, b in combinations(sorted(ids), 2):
                # Two LinkedIn profiles are two people, however alike their names.
                differ = a in links and b in links and links[a] != links[b]
                if not differ and (a, b) not in reasons:
                    add([a, b], "the same name, written differently")
    pairs = sorted(reasons.items())[:limit]
    contacts = Contact.objects.filter(owner=owner).in_bulk({i for pair, _ in pairs for i in pair})
    return [DuplicatePair(contacts[a], contacts[b], why) for (a, b), why in pairs]
