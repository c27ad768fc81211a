"""Pairs of contacts that are probably one person, for the possible-duplicates page and the
merge screen's suggestions."""

import difflib
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count

from ..importing.matching import norm_company, norm_linkedin, norm_name
from ..models import Contact, ContactEmail


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
    """Pairs of the owner's contacts that are probably one person: same email, same LinkedIn
    URL, or very similar names at the same company. Three queries whatever the size."""
    rows = list(
        Contact.objects.filter(owner=owner).values_list("id", "name", "company", "linkedin_url")
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
    by_link, by_company = defaultdict(list), defaultdict(list)
    for contact_id, name, company, linkedin in rows:
        if link := norm_linkedin(linkedin):
            by_link[link].append(contact_id)
        if company_key := norm_company(company):
            by_company[company_key].append((contact_id, norm_name(name)))
    for ids in by_link.values():
        if len(ids) > 1:
            add(ids, "same LinkedIn profile")
    for members in by_company.values():
        if len(members) > 300:
            continue  # a big employer: comparing every pair would be slow and noisy
        for (a, name_a), (b, name_b) in combinations(members, 2):
            if name_a and name_b and _similar_names(name_a, name_b):
                add([a, b], "similar names at the same company")
    pairs = sorted(reasons.items())[:limit]
    contacts = Contact.objects.filter(owner=owner).in_bulk({i for pair, _ in pairs for i in pair})
    return [DuplicatePair(contacts[a], contacts[b], why) for (a, b), why in pairs]
