"""Reads for the merge screen's first step: the contact, the contacts it may be (as last found,
stored.py) and the contacts search's matches for the other one. A fixed number of queries
whatever the account holds: the page asserts it (tests/contacts/merging/test_views.py)."""

from django.http import Http404

from ..models import Contact
from ..selectors import matching_contacts

# What the pick screen shows of a contact (templates/contacts/merging/pick.html).
PICK_FIELDS = ("id", "name", "company")


def contact_and_partners(owner, pk: int, partner_ids: list[int]) -> tuple[Contact, list[Contact]]:
    """The owner's contact `pk` (else Http404) and, in the order given, those of
    `partner_ids` that still exist, in one query: with the partners read on their own the
    page ran one query more for a contact that has possible duplicates than for one without."""
    people = (
        Contact.objects.filter(owner=owner).only(*PICK_FIELDS).in_bulk([pk, *partner_ids])
    )
    if pk not in people:
        raise Http404("No contact matches the given query.")
    return people[pk], [people[other] for other in partner_ids if other in people and other != pk]


def merge_candidates(owner, q: str, contact_id: int, *, limit: int) -> list[Contact]:
    """Up to `limit` contacts, archived ones too, other than `contact_id`, that the contacts
    search finds for `q`, by name."""
    return list(
        matching_contacts(owner, q)
        .exclude(pk=contact_id)
        .order_by("name", "id")
        .only(*PICK_FIELDS)[:limit]
    )
