"""Writes of capture: sources added, read and removed; suggestions logged (through
interactions' own log_interaction, so cadences reset and follow-ups move like any logged
conversation), dismissed or logged by a rule; rules; new contacts from the people met."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import ContactEmail
from interactions import services as interaction_services

from . import crypto
from .models import Rule, Source, SourceKind, Suggestion, SuggestionStatus
from .pollers import SourceError, read

logger = logging.getLogger(__name__)

# A claimed source is read within this; a worker that died holding it frees it afterwards.
CLAIM_LEASE = timedelta(minutes=10)
# After a failure: 1, 2, 4 … minutes, at most this long, and never given up.
MAX_BACKOFF = timedelta(hours=6)


# --- sources ---------------------------------------------------------------------------------


SOURCE_FIELDS = [
    "name", "username", "host", "port", "security", "inbox_folder", "sent_folder",
    "log_address", "own_addresses",
]


@transaction.atomic
def save_source(owner, kind: str, data: dict, source: Source | None = None) -> Source:
    """Create or change a source. A blank password or address keeps the stored one; a
    changed one is encrypted, and the source is read again from scratch."""
    source = source or Source(owner=owner, kind=kind)
    for field in SOURCE_FIELDS:
        if field in data:
            setattr(source, field, data[field] if data[field] is not None else "")
    secret_changed = False
    if data.get("url"):
        source.url_encrypted = crypto.encrypt(data["url"].strip())
        secret_changed = True
    if data.get("password"):
        source.password_encrypted = crypto.encrypt(data["password"])
        secret_changed = True
    if secret_changed or source.pk is None:
        source.etag = source.last_modified = ""
        source.read_through = None
        source.failures = 0
        source.last_error = ""
        source.next_read_at = timezone.now()
    source.save()
    return source


def remove_source(source: Source) -> None:
    """Forget a source and its credentials. Its waiting suggestions go too; logged and
    dismissed ones stay, so adding the source again suggests nothing twice."""
    with transaction.atomic():
        Suggestion.objects.filter(
            source=source, status__in=[SuggestionStatus.PENDING, SuggestionStatus.UNMATCHED]
        ).delete()
        source.delete()


def claim_due_sources(now=None, limit: int = 500) -> list[tuple[int, str]]:
    """Claim every source due now, each with a conditional UPDATE (one winner among racing
    scanners); returns (id, claim) pairs to read."""
    now = now or timezone.now()
    due = list(
        Source.objects.filter(next_read_at__lte=now).order_by("next_read_at").values_list(
            "id", flat=True
        )[:limit]
    )
    claimed = []
    for source_id in due:
        claimed_pair = claim_source(source_id, now)
        if claimed_pair:
            claimed.append(claimed_pair)
    return claimed


def claim_source(source_id: int, now=None, *, force: bool = False) -> tuple[int, str] | None:
    """Claim one source (due, or any time with force: "Read now"), unless another read holds
    it; the claim moves its next read past the lease."""
    now = now or timezone.now()
    token = secrets.token_hex(8)
    rows = Source.objects.filter(pk=source_id)
    rows = rows.filter(next_read_at__lte=now) if not force else rows.exclude(
        claim__gt="", next_read_at__gt=now
    )
    if rows.update(claim=token, next_read_at=now + CLAIM_LEASE) == 1:
        return source_id, token
    return None


def backoff(failures: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(failures - 1, 0)), MAX_BACKOFF)


def read_claimed_source(source_id: int, claim: str, now=None) -> dict | None:
    """Read a source this caller claimed; record success or the failure (shown in Settings,
    retried with backoff). Returns the counts, or None when the claim is no longer ours."""
    source = Source.objects.select_related("owner").filter(pk=source_id, claim=claim).first()
    if source is None:
        return None  # read by someone else meanwhile, or removed
    now = now or timezone.now()
    try:
        stats = read(source, now)
    except (SourceError, crypto.CredentialsUnavailable) as exc:
        failures = source.failures + 1
        message = str(exc)[:500]
        logger.warning("capture source %s (%s) failed, attempt %s: %s", source.pk, source.kind,
                       failures, message)
        Source.objects.filter(pk=source.pk, claim=claim).update(
            claim="", failures=failures, last_error=message, last_read_at=now,
            next_read_at=timezone.now() + backoff(failures),
        )
        return {"error": message}
    Source.objects.filter(pk=source.pk, claim=claim).update(
        claim="", failures=0, last_error="", last_read_at=now, last_success_at=timezone.now(),
        next_read_at=timezone.now() + timedelta(seconds=settings.CAPTURE_READ_SECONDS),
    )
    logger.info("capture source %s (%s) read: %s", source.pk, source.kind, stats)
    return stats


def read_owner_sources(owner) -> dict[str, dict]:
    """Read every source of one user now (`manage.py capture`), each under a claim."""
    results = {}
    for source in Source.objects.filter(owner=owner):
        claimed = claim_source(source.pk, force=True)
        if claimed is None:
            results[source.name] = {"error": "being read by the worker right now"}
            continue
        results[source.name] = read_claimed_source(*claimed)
    return results


# --- suggestions -----------------------------------------------------------------------------


def _claim_decision(suggestion_id: int, status: str, statuses) -> bool:
    # The one conditional UPDATE that decides: a double click, a retried task or a rule and a
    # click at once log a suggestion only once.
    return (
        Suggestion.objects.filter(pk=suggestion_id, status__in=statuses).update(
            status=status, decided_at=timezone.now()
        )
        == 1
    )


def log_data(suggestion: Suggestion) -> dict:
    """What the Log form and a one-click log start from."""
    return {
        "contacts": list(suggestion.contacts.all()),
        "occurred_at": suggestion.occurred_at,
        "kind": suggestion.kind,
        "initiated_by": suggestion.initiated_by,
        "summary": suggestion.title[:200],
    }


@transaction.atomic
def log_suggestion(suggestion: Suggestion, data: dict | None = None):
    """Log a waiting suggestion as an interaction (with `data` from the Log form, else as
    found); returns the interaction, or None when it was already logged or dismissed."""
    if not _claim_decision(suggestion.pk, SuggestionStatus.LOGGED, [SuggestionStatus.PENDING]):
        return None
    data = data or log_data(suggestion)
    if not data.get("contacts"):
        transaction.set_rollback(True)
        return None
    interaction = interaction_services.log_interaction(suggestion.owner, data)
    Suggestion.objects.filter(pk=suggestion.pk).update(interaction=interaction)
    suggestion.status, suggestion.interaction = SuggestionStatus.LOGGED, interaction
    return interaction


def auto_log(suggestion_id: int) -> bool:
    """Log a suggestion a rule (or the log address) says to log."""
    suggestion = Suggestion.objects.select_related("owner").filter(pk=suggestion_id).first()
    return suggestion is not None and log_suggestion(suggestion) is not None


def dismiss(suggestion: Suggestion) -> bool:
    """Hide it for good: its key stays, so no later read suggests it again."""
    return _claim_decision(
        suggestion.pk, SuggestionStatus.DISMISSED,
        [SuggestionStatus.PENDING, SuggestionStatus.UNMATCHED],
    )


# --- rules -----------------------------------------------------------------------------------


def save_rule(owner, *, action: str, contact=None, domain: str = "") -> Rule:
    """One rule per contact or domain: a new one for the same target replaces it."""
    target = {"contact": contact} if contact is not None else {"domain": domain.lower().strip()}
    rule, _ = Rule.objects.update_or_create(owner=owner, **target, defaults={"action": action})
    return rule


def delete_rule(rule: Rule) -> None:
    rule.delete()


# --- people met who are not contacts --------------------------------------------------------


@transaction.atomic
def add_people(owner, people: list[tuple[str, str]]) -> list:
    """Make contacts of people met (address, name); their meetings and mails waiting or
    unmatched then name them, and they leave the offer."""
    created = []
    existing = set(
        ContactEmail.objects.filter(contact__owner=owner, email__in=[a for a, _ in people])
        .values_list("email", flat=True)
    )
    for address, name in people:
        if address in existing:
            continue
        contact = contact_services.create_contact(
            owner, {"name": name or address.split("@")[0], "emails": [("", address)]}
        )
        existing.add(address)
        created.append(contact)
    by_address = {c.emails.all()[0].email: c for c in created}
    if by_address:
        _attach_new_contacts(owner, by_address)
    return created


def _attach_new_contacts(owner, by_address: dict) -> None:
    undecided = Suggestion.objects.filter(
        owner=owner, status__in=[SuggestionStatus.PENDING, SuggestionStatus.UNMATCHED]
    ).exclude(new_people=[])
    for suggestion in undecided:
        matched = [p for p in suggestion.new_people if p.get("email") in by_address]
        if not matched:
            continue
        suggestion.new_people = [p for p in suggestion.new_people if p not in matched]
        suggestion.status = SuggestionStatus.PENDING
        suggestion.save(update_fields=["new_people", "status"])
        suggestion.contacts.add(*(by_address[p["email"]] for p in matched))


@transaction.atomic
def ignore_people(owner, addresses: list[str]) -> int:
    """Stop offering these people: they are taken out of every suggestion that names them
    (nothing about them is kept anywhere else)."""
    changed = 0
    wanted = set(addresses)
    for suggestion in Suggestion.objects.filter(owner=owner).exclude(new_people=[]):
        kept = [p for p in suggestion.new_people if p.get("email") not in wanted]
        if len(kept) == len(suggestion.new_people):
            continue
        suggestion.new_people = kept
        fields = ["new_people"]
        if not kept and suggestion.status == SuggestionStatus.UNMATCHED:
            suggestion.status = SuggestionStatus.DISMISSED
            fields.append("status")
        suggestion.save(update_fields=fields)
        changed += 1
    return changed


def source_kind_label(kind: str) -> str:
    return SourceKind(kind).label
