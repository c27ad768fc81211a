"""Turn what a poller found into suggestions: match people to contacts by any of their
addresses, apply the user's rules, store each meeting occurrence or message once (its key is
unique per owner), and log at once what a rule or the log address says to log.

A fixed number of queries per batch, whatever its size: the bench reads a 20,000-message
mailbox and a 2,000-event calendar through here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from contacts.models import ContactEmail
from network_crm import fragment_cache

from .found import Found, domain_of, is_automatic, normalise
from .models import Rule, RuleAction, Source, Suggestion, SuggestionOrigin, SuggestionStatus

BATCH = 1000
UNDECIDED = (SuggestionStatus.PENDING, SuggestionStatus.UNMATCHED)


@dataclass
class Outcome:
    contact_ids: list[int]
    new_people: list[dict]
    status: str
    auto_log: bool


class Matcher:
    """The owner's addresses, contacts by address and rules, read once per batch."""

    def __init__(self, owner, addresses):
        self.owner = owner
        self.own = own_addresses(owner)
        rows = (
            ContactEmail.objects.filter(
                contact__owner=owner, contact__archived=False, email__in=addresses
            )
            .order_by("contact_id")
            .values_list("email", "contact_id")
        )
        self.contact_of = {}
        for email, contact_id in rows:
            self.contact_of.setdefault(email, contact_id)
        self.contact_rule, self.domain_rule = {}, {}
        for contact_id, domain, action in Rule.objects.filter(owner=owner).values_list(
            "contact_id", "domain", "action"
        ):
            if contact_id:
                self.contact_rule[contact_id] = action
            else:
                self.domain_rule[domain.lower()] = action

    def rule_for(self, address: str, contact_id: int | None) -> str | None:
        if contact_id is not None and contact_id in self.contact_rule:
            return self.contact_rule[contact_id]
        return self.domain_rule.get(domain_of(address))

    def outcome(self, found: Found) -> Outcome | None:
        contact_ids, new_people, always = [], [], []
        seen = set()
        for address, name in found.people:
            if address in seen or address in self.own or is_automatic(address):
                continue
            seen.add(address)
            contact_id = self.contact_of.get(address)
            rule = self.rule_for(address, contact_id)
            if rule == RuleAction.NEVER_SUGGEST:
                continue
            if contact_id is None:
                new_people.append({"email": address, "name": name})
            elif contact_id not in contact_ids:
                contact_ids.append(contact_id)
                always.append(rule == RuleAction.ALWAYS_LOG)
        if not contact_ids:
            # Inbox mail from strangers is not kept: only people the user met or wrote to
            # are offered as new contacts.
            if not new_people or found.origin == SuggestionOrigin.RECEIVED:
                return None
            return Outcome([], new_people, SuggestionStatus.UNMATCHED, False)
        auto = found.to_log_address or all(always)
        return Outcome(contact_ids, new_people, SuggestionStatus.PENDING, auto)


def own_addresses(owner) -> set[str]:
    """The user's own addresses: their account's, each source's login and aliases."""
    own = {normalise(owner.email)}
    for username, aliases, log_address in Source.objects.filter(owner=owner).values_list(
        "username", "own_addresses", "log_address"
    ):
        own.add(normalise(username))
        own.add(normalise(log_address))
        own.update(normalise(line) for line in aliases.splitlines())
    own.discard("")
    return own


def record(source: Source, items: list[Found], *, window: tuple[datetime, datetime] | None = None,
           extra_own: set[str] = frozenset()) -> dict:
    """Store `items` as suggestions of `source`'s owner; with `window` (a calendar read whole
    over that span), undecided suggestions of this source in it that were not found again
    (cancelled or moved) are removed, and changed ones updated. Returns counts."""
    stats = {"found": len(items), "created": 0, "logged": 0, "updated": 0, "removed": 0}
    auto_ids = []
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        created, updated, auto = _record_batch(source, batch, extra_own, window is not None)
        stats["created"] += created
        stats["updated"] += updated
        auto_ids += auto
    if window is not None:
        stats["removed"] = _remove_vanished(source, {f.key for f in items}, window)
    from .services import auto_log

    for suggestion_id in auto_ids:
        if auto_log(suggestion_id):
            stats["logged"] += 1
    if stats["created"] or stats["updated"] or stats["removed"]:
        # Review's list is kept per user (views/review.py); the bulk writes send no signal.
        fragment_cache.invalidate(source.owner_id, contacts=False)
    return stats


@transaction.atomic
def _record_batch(source, batch, extra_own, refresh_existing):
    owner = source.owner
    addresses = {address for found in batch for address, _ in found.people}
    matcher = Matcher(owner, addresses)
    matcher.own |= set(extra_own)
    by_key = {}
    for found in batch:
        outcome = matcher.outcome(found)
        if outcome is not None:
            by_key[found.key] = (found, outcome)
    existing = dict(
        Suggestion.objects.filter(owner=owner, key__in=list(by_key)).values_list("key", "status")
    )
    updated = 0
    if refresh_existing:
        changed = [k for k, status in existing.items() if status in UNDECIDED]
        updated = _refresh(owner, {k: by_key[k] for k in changed})
    rows = [
        Suggestion(
            owner=owner,
            source=source,
            key=key,
            origin=found.origin,
            kind=found.kind,
            initiated_by=found.initiated_by,
            title=found.title[:200],
            occurred_at=found.start,
            ends_at=max(found.end, found.start),
            status=outcome.status,
            new_people=outcome.new_people,
        )
        for key, (found, outcome) in by_key.items()
        if key not in existing
    ]
    # Another read of the same meeting (a second source, a retried task) may insert first:
    # the unique key keeps one, and only rows of this read get people attached.
    Suggestion.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    new_keys = [row.key for row in rows]
    ids = dict(
        Suggestion.objects.filter(owner=owner, key__in=new_keys, source=source)
        .filter(contacts__isnull=True)
        .values_list("key", "id")
    )
    through = Suggestion.contacts.through
    links = [
        through(suggestion_id=ids[key], contact_id=contact_id)
        for key in new_keys
        if key in ids
        for contact_id in by_key[key][1].contact_ids
    ]
    through.objects.bulk_create(links, ignore_conflicts=True, batch_size=BATCH)
    auto = [ids[key] for key in new_keys if key in ids and by_key[key][1].auto_log]
    return len(ids), updated, auto


def _refresh(owner, changed: dict) -> int:
    """Bring undecided suggestions in step with their meeting as read now (time, title,
    people: a contact added since, an attendee removed)."""
    if not changed:
        return 0
    rows = Suggestion.objects.filter(owner=owner, key__in=list(changed)).prefetch_related(
        "contacts"
    )
    updated = 0
    for row in rows:
        found, outcome = changed[row.key]
        before = (
            row.title, row.occurred_at, row.ends_at, row.status, row.new_people,
            sorted(c.pk for c in row.contacts.all()),
        )
        after = (
            found.title[:200], found.start, max(found.end, found.start), outcome.status,
            outcome.new_people, sorted(outcome.contact_ids),
        )
        if before == after:
            continue
        row.title, row.occurred_at, row.ends_at, row.status, row.new_people = after[:5]
        row.save(update_fields=["title", "occurred_at", "ends_at", "status", "new_people"])
        row.contacts.set(outcome.contact_ids)
        updated += 1
    return updated


def _remove_vanished(source, keys: set[str], window) -> int:
    """Undecided suggestions of this calendar in the window read that are gone from it (the
    meeting was cancelled, or moved out of the window)."""
    start, end = window
    ids = [
        pk
        for pk, key in Suggestion.objects.filter(
            source=source, status__in=UNDECIDED, occurred_at__gte=start, occurred_at__lt=end
        ).values_list("id", "key")
        if key not in keys
    ]
    if ids:
        Suggestion.objects.filter(id__in=ids).delete()
    return len(ids)
