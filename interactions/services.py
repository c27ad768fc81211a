"""Writes for interactions, gives/received/asks and mentorships. Every write that changes when a
contact is next due goes through the follow-up engine (interactions.followups) in the same
transaction, so a schedule is never left half-updated."""

from datetime import UTC, date, datetime, time

from django.db import transaction
from django.utils import timezone

from contacts.models import Contact
from contacts.services import get_profile

from . import followups
from .insights import recompute_strength
from .models import (
    Direction,
    Interaction,
    InteractionKind,
    Mentorship,
    Support,
    SupportStatus,
)

INTERACTION_FIELDS = [
    "kind",
    "initiated_by",
    "summary",
    "notes",
    "working_on",
    "why_it_matters",
    "event",
    "follow_up_on",
    "follow_up_note",
]
SUPPORT_FIELDS = [
    "direction",
    "contact",
    "kind",
    "intro_to",
    "status",
    "description",
    "notes",
    "offered_on",
    "due_on",
    "done_on",
]
MENTORSHIP_FIELDS = [
    "mentor",
    "mentee",
    "goals",
    "session_cadence_days",
    "started_on",
    "last_session_on",
    "active",
    "notes",
]
# One-click micro-networking logs from the dashboard: kind in the URL → summary.
QUICK_LOGS = {
    "congratulated": "Congratulated them",
    "shared_article": "Shared an article",
    "thanked": "Thanked them",
}
# Days after an event's last day when "follow up with everyone I met" is due.


def occurred_at_for(day: date, zone, now: datetime | None = None) -> datetime:
    """The UTC moment to store for a conversation on local `day`: now when it is today,
    else midday local time (a neutral time that stays on the same date in any zone shift)."""
    now = now or timezone.now()
    if day == now.astimezone(zone).date():
        return now
    return datetime.combine(day, time(12, 0), tzinfo=zone).astimezone(UTC)


def _refresh_strength(owner_id, contact_ids) -> None:
    # Strength shows on the contacts list and the map; a touch should move it at once rather
    # than at the nightly recompute.
    recompute_strength(owner_id=owner_id, contact_ids=contact_ids)


def _copy_curiosity(contact_ids, working_on: str, why_it_matters: str) -> None:
    # Only non-empty answers overwrite what the contact page shows.
    changes = {}
    if working_on.strip():
        changes["working_on"] = working_on.strip()
    if why_it_matters.strip():
        changes["why_it_matters"] = why_it_matters.strip()
    if changes:
        Contact.objects.filter(pk__in=contact_ids).update(**changes, updated_at=timezone.now())


@transaction.atomic
def log_interaction(owner, data: dict) -> Interaction:
    """Log a conversation with one or more contacts: copy what they work on onto each contact,
    reset their follow-ups, and record the optional give (one per contact)."""
    contacts = list(data["contacts"])
    zone = get_profile(owner).zone
    occurred_at = data.get("occurred_at") or occurred_at_for(data["occurred_on"], zone)
    interaction = Interaction(owner=owner, occurred_at=occurred_at)
    for field in INTERACTION_FIELDS:
        if field in data:
            setattr(interaction, field, data[field])
    interaction.save()
    interaction.contacts.set(contacts)
    ids = [c.pk for c in contacts]
    _copy_curiosity(ids, data.get("working_on") or "", data.get("why_it_matters") or "")
    followups.on_interaction_saved(interaction)
    if data.get("give_kind"):
        offered_on = occurred_at.astimezone(zone).date()
        for contact in contacts:
            support = Support.objects.create(
                owner=owner,
                direction=Direction.GIVE,
                contact=contact,
                kind=data["give_kind"],
                status=SupportStatus.OFFERED,
                description=data.get("give_description") or "",
                interaction=interaction,
                offered_on=offered_on,
                due_on=data.get("give_due_on"),
            )
            followups.on_support_saved(support)
    _refresh_strength(owner.pk, ids)
    return interaction


def quick_log(owner, contact: Contact, what: str) -> Interaction:
    """A one-click micro-networking touch (congratulated / shared an article / thanked)."""
    return log_interaction(
        owner,
        {
            "contacts": [contact],
            "occurred_at": timezone.now(),
            "kind": InteractionKind.MESSAGE,
            "summary": QUICK_LOGS[what],
        },
    )


@transaction.atomic
def update_interaction(interaction: Interaction, data: dict) -> Interaction:
    """Edit an interaction; contacts removed from it get their schedule recomputed."""
    zone = get_profile(interaction.owner).zone
    before = set(interaction.contacts.values_list("pk", flat=True))
    day = data.get("occurred_on")
    if day and day != interaction.occurred_at.astimezone(zone).date():
        interaction.occurred_at = occurred_at_for(day, zone)
    for field in INTERACTION_FIELDS:
        if field in data:
            setattr(interaction, field, data[field])
    interaction.save()
    contacts = list(data.get("contacts", interaction.contacts.all()))
    interaction.contacts.set(contacts)
    _copy_curiosity(
        [c.pk for c in contacts], data.get("working_on") or "", data.get("why_it_matters") or ""
    )
    followups.on_interaction_saved(interaction)
    removed = before - {c.pk for c in contacts}
    if removed:
        followups.refresh_contact_schedule(sorted(removed))
    _refresh_strength(interaction.owner_id, before | {c.pk for c in contacts})
    return interaction


@transaction.atomic
def delete_interaction(interaction: Interaction) -> None:
    """Delete an interaction and move its contacts' next follow-up back accordingly."""
    ids = list(interaction.contacts.values_list("pk", flat=True))
    owner_id = interaction.owner_id
    interaction.delete()
    contacts_touched(owner_id, ids)


def contacts_touched(owner_id, contact_ids, *, schedule: bool = True) -> None:
    """After an interaction (or, with schedule=False, a give) came or went without the usual
    save: these contacts' last interaction and next follow-up, and their strength."""
    if schedule:
        followups.refresh_contact_schedule(contact_ids)
    _refresh_strength(owner_id, contact_ids)


@transaction.atomic
def save_support(
    owner, data: dict, support: Support | None = None, *, today: date | None = None
) -> Support:
    """Create or update a give/received/ask; a status of done without a date is done today."""
    support = support or Support(owner=owner)
    for field in SUPPORT_FIELDS:
        if field in data:
            setattr(support, field, data[field])
    if support.status == SupportStatus.DONE and support.done_on is None:
        support.done_on = today or timezone.localdate()
    support.save()
    followups.on_support_saved(support)
    _refresh_strength(support.owner_id, [support.contact_id])
    return support


@transaction.atomic
def mark_support_done(support: Support, today: date) -> Support:
    """Mark a promise as kept today."""
    support.status = SupportStatus.DONE
    support.done_on = support.done_on or today
    support.save(update_fields=["status", "done_on", "updated_at"])
    followups.on_support_saved(support)
    _refresh_strength(support.owner_id, [support.contact_id])
    return support


def delete_support(support: Support) -> None:
    """Delete a give/received/ask; its follow-ups go with it (cascade)."""
    owner_id, contact_id = support.owner_id, support.contact_id
    support.delete()
    contacts_touched(owner_id, [contact_id], schedule=False)


@transaction.atomic
def save_mentorship(owner, data: dict, mentorship: Mentorship | None = None) -> Mentorship:
    """Create or update a mentorship; a blank mentor or mentee is the user."""
    mentorship = mentorship or Mentorship(owner=owner)
    for field in MENTORSHIP_FIELDS:
        if field in data:
            setattr(mentorship, field, data[field])
    mentorship.save()
    followups.on_mentorship_saved(mentorship)
    return mentorship


def delete_mentorship(mentorship: Mentorship) -> None:
    """Delete a mentorship and its session follow-ups (cascade)."""
    mentorship.delete()
