"""Writes of the follow-up engine as the user acts: after an interaction, a give or a
mentorship is saved, "follow up with everyone I met", and done / snooze / dismiss."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contacts.models import Contact
from network_crm import fragment_cache

from ..models import (
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    InteractionKind,
    Mentorship,
    Support,
    SupportStatus,
)
from .keys import rewrite_source_key
from .schedule import (
    OPEN_STATUSES,
    _local_date,
    _profiles_by_owner,
    _zones_by_owner,
    local_today,
    mentorship_due_on,
    refresh_contact_schedule,
)

# Days after an event's last day when "follow up with everyone I met" is due.
EVENT_FOLLOW_UP_DELAY_DAYS = 3


@transaction.atomic
def on_interaction_saved(interaction) -> None:
    """After an interaction is created or edited: refresh its contacts' schedules, close their
    open cadence follow-ups, and create/update the promise follow-up from follow_up_on."""
    now = timezone.now()
    contacts = list(interaction.contacts.all())
    contact_ids = [c.pk for c in contacts]
    # A conversation is the touch a cadence reminder asks for; it records which one closed it.
    FollowUp.objects.filter(
        contact_id__in=contact_ids, reason=FollowUpReason.CADENCE, status__in=OPEN_STATUSES
    ).update(status=FollowUpStatus.DONE, snoozed_until=None, closed_at=now, interaction=interaction)
    if interaction.kind == InteractionKind.MENTORING:
        _record_mentoring_session(interaction, contact_ids, now)
    _sync_promise_follow_ups(interaction, contacts)
    refresh_contact_schedule(contact_ids, now=now)


def _record_mentoring_session(interaction, contact_ids, now) -> None:
    zone = ZoneInfo(_zones_by_owner([interaction.owner_id])[interaction.owner_id])
    day = _local_date(interaction.occurred_at, zone)
    mentorships = Mentorship.objects.filter(owner_id=interaction.owner_id, active=True).filter(
        Q(mentor_id__in=contact_ids) | Q(mentee_id__in=contact_ids)
    )
    mentorships.filter(Q(last_session_on__isnull=True) | Q(last_session_on__lt=day)).update(
        last_session_on=day, updated_at=now
    )
    FollowUp.objects.filter(
        mentorship__in=mentorships, reason=FollowUpReason.MENTORSHIP, status__in=OPEN_STATUSES
    ).update(status=FollowUpStatus.DONE, snoozed_until=None, closed_at=now, interaction=interaction)


def _sync_promise_follow_ups(interaction, contacts) -> None:
    promises = FollowUp.objects.filter(
        owner_id=interaction.owner_id, interaction=interaction, reason=FollowUpReason.PROMISE
    )
    keep = (
        {f"interaction:{interaction.pk}:{c.pk}" for c in contacts}
        if interaction.follow_up_on
        else set()
    )
    # Promise withdrawn, or the contact taken off the interaction: the open reminder goes.
    promises.filter(status__in=OPEN_STATUSES).exclude(source_key__in=keep).delete()
    if not keep:
        return
    note = (interaction.follow_up_note or interaction.summary or "")[:300]
    # An edited date moves an open promise; a kept promise stays done. A snoozed one keeps its
    # snooze (editing the notes must not wake it) unless the promise now falls after it.
    day = interaction.follow_up_on
    current = promises.filter(source_key__in=keep)
    current.filter(status=FollowUpStatus.OPEN).exclude(due_on=day, note=note).update(
        due_on=day, note=note
    )
    current.filter(status=FollowUpStatus.SNOOZED, snoozed_until__lt=day).update(
        due_on=day, note=note, status=FollowUpStatus.OPEN, snoozed_until=None
    )
    current.filter(status=FollowUpStatus.SNOOZED).exclude(note=note).update(note=note)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                owner_id=interaction.owner_id,
                contact=contact,
                reason=FollowUpReason.PROMISE,
                due_on=interaction.follow_up_on,
                note=note,
                interaction=interaction,
                source_key=f"interaction:{interaction.pk}:{contact.pk}",
            )
            for contact in contacts
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def on_support_saved(support) -> None:
    """After a give/ask is saved: a Give offered with a due date gets a follow-up; done or
    declined closes it."""
    key = f"give:{support.pk}"
    existing = FollowUp.objects.filter(owner_id=support.owner_id, source_key=key)
    wanted = (
        support.direction == Direction.GIVE
        and support.status == SupportStatus.OFFERED
        and support.due_on is not None
    )
    if support.status in (SupportStatus.DONE, SupportStatus.DECLINED):
        existing.filter(status__in=OPEN_STATUSES).update(
            status=FollowUpStatus.DONE
            if support.status == SupportStatus.DONE
            else FollowUpStatus.DISMISSED,
            snoozed_until=None,
            closed_at=timezone.now(),
        )
        return
    if not wanted:
        existing.filter(status__in=OPEN_STATUSES).delete()
        return
    note = (support.description or support.get_kind_display())[:300]
    if existing.exists():
        # An open reminder follows the give; a snoozed one keeps its snooze unless the give is
        # now due after it; a closed one stays closed (the user already dealt with it).
        changes = {"contact_id": support.contact_id, "note": note}
        existing.filter(status=FollowUpStatus.OPEN).exclude(
            due_on=support.due_on, **changes
        ).update(due_on=support.due_on, **changes)
        existing.filter(status=FollowUpStatus.SNOOZED, snoozed_until__lt=support.due_on).update(
            due_on=support.due_on, status=FollowUpStatus.OPEN, snoozed_until=None, **changes
        )
        existing.filter(status=FollowUpStatus.SNOOZED).update(**changes)
        return
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                owner_id=support.owner_id,
                contact_id=support.contact_id,
                reason=FollowUpReason.GIVE,
                due_on=support.due_on,
                note=note,
                support=support,
                source_key=key,
            )
        ],
        ignore_conflicts=True,
    )


def create_event_follow_ups(event) -> int:
    """One follow-up per person met at the event, a few days after it ends; running it twice
    creates nothing new. Returns how many were created."""
    due_on = event.last_day + timedelta(days=EVENT_FOLLOW_UP_DELAY_DAYS)
    people = list(event.people_met.filter(owner_id=event.owner_id).values_list("pk", flat=True))
    keys = {pk: f"event:{event.pk}:{pk}" for pk in people}
    existing = set(
        FollowUp.objects.filter(owner_id=event.owner_id, source_key__in=keys.values()).values_list(
            "source_key", flat=True
        )
    )
    rows = [
        FollowUp(
            owner_id=event.owner_id,
            contact_id=pk,
            reason=FollowUpReason.EVENT,
            due_on=due_on,
            note=f"Met at {event.name}"[:300],
            source_key=key,
            event=event,
        )
        for pk, key in keys.items()
        if key not in existing
    ]
    # The unique (owner, source_key) constraint settles a race with a second click.
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _close(follow_up, status: str, now: datetime) -> bool:
    """Conditional update: only an open or snoozed follow-up changes, so a repeated click
    (or a replayed one-click link) is a no-op."""
    changed = FollowUp.objects.filter(pk=follow_up.pk, status__in=OPEN_STATUSES).update(
        status=status, snoozed_until=None, closed_at=now
    )
    if changed:
        follow_up.status, follow_up.snoozed_until, follow_up.closed_at = status, None, now
        fragment_cache.invalidate(follow_up.owner_id)  # also from an emailed link
    return bool(changed)


@transaction.atomic
def snooze(follow_up, until: date) -> None:
    """Hide a follow-up until `until`; it shows as due on that day. Closed ones stay closed."""
    changed = FollowUp.objects.filter(pk=follow_up.pk, status__in=OPEN_STATUSES).update(
        status=FollowUpStatus.SNOOZED, snoozed_until=until, due_on=until
    )
    if changed:
        fragment_cache.invalidate(follow_up.owner_id)
        follow_up.status, follow_up.snoozed_until, follow_up.due_on = (
            FollowUpStatus.SNOOZED,
            until,
            until,
        )


@transaction.atomic
def mark_done(follow_up) -> None:
    """Close a follow-up as done. Done on a cadence reminder counts as a touch (the cadence
    restarts today); on a give it marks the give delivered; on a mentorship, a session held."""
    now = timezone.now()
    if not _close(follow_up, FollowUpStatus.DONE, now):
        return
    if follow_up.reason == FollowUpReason.CADENCE:
        refresh_contact_schedule([follow_up.contact_id], now=now)
    elif follow_up.reason == FollowUpReason.GIVE and follow_up.support_id:
        today = local_today(_profiles_by_owner([follow_up.owner_id])[follow_up.owner_id], now)
        Support.objects.filter(pk=follow_up.support_id, status=SupportStatus.OFFERED).update(
            status=SupportStatus.DONE, done_on=today, updated_at=now
        )
    elif follow_up.reason == FollowUpReason.MENTORSHIP and follow_up.mentorship_id:
        today = local_today(_profiles_by_owner([follow_up.owner_id])[follow_up.owner_id], now)
        Mentorship.objects.filter(pk=follow_up.mentorship_id).filter(
            Q(last_session_on__isnull=True) | Q(last_session_on__lt=today)
        ).update(last_session_on=today, updated_at=now)


@transaction.atomic
def dismiss(follow_up) -> None:
    """Close a follow-up without doing it. A dismissed cadence reminder comes back one cadence
    later (counted from today)."""
    now = timezone.now()
    if (
        _close(follow_up, FollowUpStatus.DISMISSED, now)
        and follow_up.reason == FollowUpReason.CADENCE
    ):
        refresh_contact_schedule([follow_up.contact_id], now=now)

def on_mentorship_saved(mentorship) -> None:
    """After a mentorship is edited: close an open session reminder that a later last-session
    date or the end of the mentorship made moot; the scanner creates the next one when due."""
    moot = FollowUp.objects.filter(
        mentorship=mentorship, reason=FollowUpReason.MENTORSHIP, status__in=OPEN_STATUSES
    )
    if mentorship.active:
        moot = moot.filter(due_on__lt=mentorship_due_on(mentorship, None, None))
    # Closed by the app, not by the user: no closed_at, so the next session stays due one cadence
    # after the last one rather than after this edit (schedule.py's silenced reminders alike).
    moot.update(status=FollowUpStatus.DISMISSED, snoozed_until=None, closed_at=None)


def on_contacts_merged(survivor_id: int, other_id: int) -> None:
    """After contacts' merge moved the other contact's follow-ups onto the survivor: keys that
    name the other contact now name the survivor, and where the survivor already has that key
    (the same reminder twice) the other's copy goes. Then the survivor's schedule is
    recomputed. Runs inside the merge's transaction."""
    moved = FollowUp.objects.filter(contact_id=survivor_id)
    taken = set(moved.values_list("source_key", flat=True))
    for pk, key in moved.values_list("pk", "source_key"):
        new_key = rewrite_source_key(key, {Contact: {other_id: survivor_id}})
        if new_key == key:
            continue
        if new_key in taken:
            FollowUp.objects.filter(pk=pk).delete()
        else:
            FollowUp.objects.filter(pk=pk).update(source_key=new_key)
            taken.add(new_key)
    refresh_contact_schedule([survivor_id])
