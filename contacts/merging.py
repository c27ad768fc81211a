"""Merging two contacts that are the same person, and finding the pairs that probably are.

`merge_contacts` moves everything attached to `other` (interactions, gives/asks/received,
follow-ups, links, mentorships, events, emails, phones, tags) onto `survivor`, fills the
survivor's blank fields from `other`, and deletes `other` — in one transaction.
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db import transaction
from django.db.models import Count, Q

from interactions import followups
from interactions.models import FollowUp, Interaction, Mentorship, Support

from .importing.matching import norm_company, norm_linkedin, norm_name, norm_phone
from .models import Contact, ContactEmail, ContactLink, ContactPhone, Event

# Fields filled from the other contact when the survivor's is blank.
FILL_FIELDS = (
    "preferred_name",
    "company",
    "title",
    "department",
    "location",
    "time_zone",
    "linkedin_url",
    "website",
    "how_we_met",
    "working_on",
    "why_it_matters",
    "met_at",
    "introduced_by",
    "cadence_days",
)
# Long text where both sides are kept, the other's appended.
APPEND_FIELDS = ("notes",)


class MergeError(Exception):
    """Two contacts that cannot be merged (different owners, the same contact)."""


@dataclass
class FieldPlan:
    name: str
    label: str
    survivor: str
    other: str
    result: str
    source: str  # "kept", "from other", "combined", "same"


@dataclass
class MergePlan:
    survivor: Contact
    other: Contact
    fields: list[FieldPlan] = field(default_factory=list)
    moves: dict[str, int] = field(default_factory=dict)


def _display(contact, name) -> str:
    value = getattr(contact, name)
    return "" if value is None else str(value)


def _check(survivor, other) -> None:
    if survivor.pk == other.pk:
        raise MergeError("A contact cannot be merged into itself.")
    if survivor.owner_id != other.owner_id:
        raise MergeError("Both contacts must belong to the same user.")


def _merged_value(survivor, other, name):
    mine, theirs = getattr(survivor, name), getattr(other, name)
    if name == "introduced_by" and theirs is not None and theirs.pk == survivor.pk:
        theirs = None
    if name == "introduced_by" and mine is not None and mine.pk == other.pk:
        mine = None
    if mine in (None, "") and theirs not in (None, ""):
        return theirs, "from other"
    if theirs in (None, "") or mine == theirs:
        return mine, "same" if mine == theirs else "kept"
    return mine, "kept"


def plan_merge(survivor: Contact, other: Contact) -> MergePlan:
    """What merging `other` into `survivor` keeps, field by field, and how many related rows
    move (a handful of count queries)."""
    _check(survivor, other)
    plan = MergePlan(survivor=survivor, other=other)
    plan.fields.append(
        FieldPlan(
            "name",
            "Name",
            survivor.name,
            other.name,
            survivor.name,
            "same" if survivor.name == other.name else "kept",
        )
    )
    for name in FILL_FIELDS:
        value, source = _merged_value(survivor, other, name)
        label = Contact._meta.get_field(name).verbose_name.capitalize()
        plan.fields.append(
            FieldPlan(
                name,
                label,
                _display(survivor, name),
                _display(other, name),
                "" if value is None else str(value),
                source,
            )
        )
    for name in APPEND_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if mine and theirs and theirs not in mine:
            result, source = f"{mine}\n\n{theirs}", "combined"
        else:
            result, source = (
                mine or theirs,
                "from other" if theirs and not mine else ("same" if mine == theirs else "kept"),
            )
        plan.fields.append(FieldPlan(name, name.capitalize(), mine, theirs, result, source))
    emails = sorted({e.email for c in (survivor, other) for e in c.emails.all()})
    phones = sorted({p.number for c in (survivor, other) for p in c.phones.all()})
    tags = sorted({t.name for c in (survivor, other) for t in c.tags.all()})
    for label, values, own, theirs in (
        (
            "Emails",
            emails,
            [e.email for e in survivor.emails.all()],
            [e.email for e in other.emails.all()],
        ),
        (
            "Phones",
            phones,
            [p.number for p in survivor.phones.all()],
            [p.number for p in other.phones.all()],
        ),
        ("Tags", tags, [t.name for t in survivor.tags.all()], [t.name for t in other.tags.all()]),
    ):
        plan.fields.append(
            FieldPlan(
                label.lower(),
                label,
                ", ".join(own),
                ", ".join(theirs),
                ", ".join(values),
                "combined" if set(theirs) - set(own) else "kept",
            )
        )
    plan.moves = {
        "interactions": other.interactions.count(),
        "gives, asks and support received": Support.objects.filter(contact=other).count()
        + Support.objects.filter(intro_to=other).count(),
        "follow-ups": other.follow_ups.count(),
        "links": ContactLink.objects.filter(from_contact=other).count()
        + ContactLink.objects.filter(to_contact=other).count(),
        "mentorships": Mentorship.objects.filter(mentor=other).count()
        + Mentorship.objects.filter(mentee=other).count(),
        "events": other.events_attended.count(),
    }
    return plan


def _rewrite_key(key: str, other_id: int, survivor_id: int) -> str:
    """A follow-up's source_key with the other contact's id replaced by the survivor's, for
    keys that name a contact ("cadence:<contact>:…", "interaction:<id>:<contact>",
    "event:<id>:<contact>")."""
    parts = key.split(":")
    position = {"cadence": 1, "interaction": 2, "event": 2}.get(parts[0])
    if position is not None and len(parts) > position and parts[position] == str(other_id):
        parts[position] = str(survivor_id)
    return ":".join(parts)


@transaction.atomic
def merge_contacts(survivor: Contact, other: Contact) -> dict[str, int]:
    """Merge `other` into `survivor` (same owner) and delete `other`; returns how many rows
    of each kind moved."""
    _check(survivor, other)
    # Lock both rows so a concurrent edit or second merge waits for this one.
    locked = {
        c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[survivor.pk, other.pk])
    }
    if len(locked) != 2:
        raise MergeError("One of the contacts no longer exists.")
    survivor, other = locked[survivor.pk], locked[other.pk]
    plan = plan_merge(survivor, other)
    moved = dict.fromkeys(
        ("interactions", "supports", "follow_ups", "links", "mentorships", "events"), 0
    )
    s_id, o_id = survivor.pk, other.pk

    # Fields: fill blanks, append notes.
    for item in plan.fields:
        if item.name in FILL_FIELDS:
            value, _ = _merged_value(survivor, other, item.name)
            setattr(survivor, item.name, value)
        elif item.name in APPEND_FIELDS:
            setattr(survivor, item.name, item.result)
    if survivor.introduced_by_id == o_id:
        survivor.introduced_by = None
    survivor.strength = max(survivor.strength, other.strength)

    # Emails and phones: move the new ones, drop the ones the survivor already has.
    own_emails = set(survivor.emails.values_list("email", flat=True))
    for email in other.emails.all():
        if email.email in own_emails:
            email.delete()
        else:
            ContactEmail.objects.filter(pk=email.pk).update(contact=survivor)
    own_phones = {norm_phone(n) for n in survivor.phones.values_list("number", flat=True)}
    for phone in other.phones.all():
        if norm_phone(phone.number) in own_phones:
            phone.delete()
        else:
            own_phones.add(norm_phone(phone.number))
            ContactPhone.objects.filter(pk=phone.pk).update(contact=survivor)
    survivor.tags.add(*other.tags.all())

    # Interactions (many-to-many): add the survivor where it is not already a participant.
    through = Interaction.contacts.through
    already = set(through.objects.filter(contact_id=s_id).values_list("interaction_id", flat=True))
    moved["interactions"] = (
        through.objects.filter(contact_id=o_id)
        .exclude(interaction_id__in=already)
        .update(contact_id=s_id)
    )
    through.objects.filter(contact_id=o_id).delete()

    # Supports: an intro from the survivor to the other would become an intro to themselves.
    Support.objects.filter(contact_id=s_id, intro_to_id=o_id).update(intro_to=None)
    Support.objects.filter(contact_id=o_id, intro_to_id=s_id).update(intro_to=None)
    moved["supports"] = Support.objects.filter(contact_id=o_id).update(contact_id=s_id)
    moved["supports"] += Support.objects.filter(intro_to_id=o_id).update(intro_to_id=s_id)

    # Follow-ups: keys naming the other contact are rewritten; a key the survivor already
    # has (unique per owner) means the same reminder exists: the other's copy is dropped.
    taken = set(
        FollowUp.objects.filter(owner_id=survivor.owner_id).values_list("source_key", flat=True)
    )
    for follow_up in FollowUp.objects.filter(contact_id=o_id):
        key = _rewrite_key(follow_up.source_key, o_id, s_id)
        if key != follow_up.source_key and key in taken:
            follow_up.delete()
            continue
        taken.add(key)
        FollowUp.objects.filter(pk=follow_up.pk).update(contact_id=s_id, source_key=key)
        moved["follow_ups"] += 1

    # Links between contacts: drop self-links and ones the survivor already has.
    existing = set(
        ContactLink.objects.filter(owner_id=survivor.owner_id)
        .exclude(from_contact_id=o_id)
        .exclude(to_contact_id=o_id)
        .values_list("from_contact_id", "to_contact_id", "kind")
    )
    for link in ContactLink.objects.filter(Q(from_contact_id=o_id) | Q(to_contact_id=o_id)):
        new_from = s_id if link.from_contact_id == o_id else link.from_contact_id
        new_to = s_id if link.to_contact_id == o_id else link.to_contact_id
        if new_from == new_to or (new_from, new_to, link.kind) in existing:
            link.delete()
            continue
        existing.add((new_from, new_to, link.kind))
        ContactLink.objects.filter(pk=link.pk).update(
            from_contact_id=new_from, to_contact_id=new_to
        )
        moved["links"] += 1

    # Mentorships: one between the two would make a person their own mentor.
    Mentorship.objects.filter(mentor_id=s_id, mentee_id=o_id).delete()
    Mentorship.objects.filter(mentor_id=o_id, mentee_id=s_id).delete()
    moved["mentorships"] = Mentorship.objects.filter(mentor_id=o_id).update(mentor_id=s_id)
    moved["mentorships"] += Mentorship.objects.filter(mentee_id=o_id).update(mentee_id=s_id)

    # Events and introductions.
    events = list(Event.objects.filter(people_met=other))
    for event in events:
        event.people_met.add(survivor)
    moved["events"] = len(events)
    Contact.objects.filter(introduced_by_id=o_id).exclude(pk=s_id).update(introduced_by_id=s_id)

    other.delete()
    survivor.save()
    followups.refresh_contact_schedule([s_id])
    return moved


# ---------------------------------------------------------------- possible duplicates


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
