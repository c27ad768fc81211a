"""When each contact is next due: the cadence, the user's today, and the recomputation of
`last_interaction_at` and `next_follow_up_on` after anything that moves them."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contacts.models import Contact, Profile
from network_crm import fragment_cache

from ..insights.ties import store_touch_history
from ..models import FollowUp, FollowUpReason, FollowUpStatus, ScheduleRefresh

OPEN_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED)
CLOSED_BY_USER = (FollowUpStatus.DONE, FollowUpStatus.DISMISSED)


def _zones_by_owner(owner_ids) -> dict:
    zones = dict(
        Profile.objects.filter(owner_id__in=set(owner_ids)).values_list("owner_id", "time_zone")
    )
    return {owner_id: zones.get(owner_id, "UTC") for owner_id in owner_ids}


def _profiles_by_owner(owner_ids) -> dict:
    profiles = {p.owner_id: p for p in Profile.objects.filter(owner_id__in=set(owner_ids))}
    return {
        owner_id: profiles.get(owner_id) or Profile(owner_id=owner_id) for owner_id in owner_ids
    }


def _local_date(moment: datetime, zone) -> date:
    return moment.astimezone(zone).date()


def days_since(moment: datetime, zone, today: date) -> int:
    """Whole days from `moment` to `today`, counted between the user's local dates: what "N
    days ago" says everywhere (dashboard, digest, one person, the map's brief)."""
    return (today - _local_date(moment, zone)).days


def cadence_for(contact, profile: Profile) -> int | None:
    """Days between touches for this contact (Profile.cadence_for); None for an unsorted one."""
    return profile.cadence_for(contact)


def local_today(profile: Profile, now: datetime | None = None) -> date:
    """Today's date in the user's time zone."""
    return profile.today(now)


# Contacts recomputed per round trip: keeps every IN (…) list under SQLite's variable limit
# when a settings change refreshes a whole network.
REFRESH_CHUNK = 2000


def refresh_contact_schedule(contact_ids, *, now: datetime | None = None) -> None:
    """Recompute last_interaction_at and next_follow_up_on for these contacts from their
    interactions and cadence (the contact's own, else its tier's default in the owner's Profile),
    and the history the insights' ties read (insights.ties.store_touch_history)."""
    ids = list(dict.fromkeys(contact_ids))
    _refresh_schedules(ids, now or timezone.now())
    store_touch_history(ids)


# A requested refresh still waiting this long was lost (its message, or its worker): the
# follow-up scanner queues it again. A run takes about 20 s at 30,000 contacts.
REFRESH_LOST_AFTER = timedelta(minutes=5)


def request_owner_refresh(owner_id: int) -> bool:
    """Note, in the caller's transaction, that this user's schedule must follow a Settings
    change. True when none was waiting, so the caller queues the worker; False when one is,
    whose run will read this change too (it runs again if it began before it)."""
    _, created = ScheduleRefresh.objects.update_or_create(
        owner_id=owner_id, defaults={"requested_at": timezone.now()}
    )
    return created


def lost_owner_refreshes(now: datetime | None = None) -> list[int]:
    """The users whose requested refresh has waited longer than REFRESH_LOST_AFTER."""
    cutoff = (now or timezone.now()) - REFRESH_LOST_AFTER
    waiting = ScheduleRefresh.objects.filter(requested_at__lt=cutoff).order_by("requested_at")
    return list(waiting.values_list("owner_id", flat=True))


def refresh_owner_schedule(owner) -> None:
    """Recompute every contact's next follow-up from the current Profile, after the user's time
    zone or tier cadences changed (their interactions did not: the touch history stays as
    stored), then mark the request served. A save made during the run moved the request
    forward: the run goes again, so no change is left half applied. Run by the worker
    (interactions.tasks.refresh_owner_schedule); idempotent."""
    while True:
        requested = (
            ScheduleRefresh.objects.filter(owner=owner)
            .values_list("requested_at", flat=True)
            .first()
        )
        _refresh_owner(owner)
        if requested is None:
            return
        served, _ = ScheduleRefresh.objects.filter(owner=owner, requested_at=requested).delete()
        if served:
            return


def _refresh_owner(owner) -> None:
    ids = list(Contact.objects.filter(owner=owner).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        with transaction.atomic():
            # Seconds of work in the background: a conversation logged meanwhile recomputes its
            # contacts too, and the row locks make that write land after this chunk's, not
            # under it (it would otherwise be overwritten with the schedule read before it).
            locked = Contact.objects.filter(pk__in=chunk).order_by("pk").select_for_update()
            list(locked.values_list("pk", flat=True))
            _refresh_chunk(chunk, now)
    # bulk_update and .update() send no signal: the cached cards showed the old due dates.
    fragment_cache.invalidate(owner.pk)


def _refresh_schedules(ids: list, now: datetime) -> None:
    for start in range(0, len(ids), REFRESH_CHUNK):
        _refresh_chunk(ids[start : start + REFRESH_CHUNK], now)


def _refresh_chunk(contact_ids: list, now: datetime) -> None:
    contacts = list(
        Contact.objects.filter(pk__in=contact_ids).annotate(
            last_at=Max("interactions__occurred_at"),
        )
    )
    if not contacts:
        return
    # The last time the user closed a cadence follow-up by hand (done or dismissed): the cadence
    # restarts from there. One grouped query for all contacts.
    anchors = dict(
        FollowUp.objects.filter(
            contact_id__in=contact_ids,
            reason=FollowUpReason.CADENCE,
            status__in=CLOSED_BY_USER,
            interaction__isnull=True,
            closed_at__isnull=False,
        )
        .values("contact_id")
        .annotate(last=Max("closed_at"))
        .values_list("contact_id", "last")
    )
    profiles = _profiles_by_owner({c.owner_id for c in contacts})
    stale_open = []  # open cadence follow-ups no longer due after the recomputation
    silenced = []  # contacts that must have no open cadence follow-up
    unscheduled = []  # contacts with no cadence at all
    for contact in contacts:
        profile = profiles[contact.owner_id]
        zone = profile.zone
        contact.last_interaction_at = contact.last_at
        base = _local_date(contact.last_at or contact.created_at, zone)
        cadence = cadence_for(contact, profile)
        if cadence is None:
            # Unsorted: nothing is due until a tier or cadence is given.
            contact.next_follow_up_on = None
            unscheduled.append(contact.pk)
            continue
        due = base + timedelta(days=cadence)
        anchor = anchors.get(contact.pk)
        if anchor is not None and (contact.last_at is None or anchor >= contact.last_at):
            due = max(due, _local_date(anchor, zone) + timedelta(days=cadence))
        contact.next_follow_up_on = due
        if contact.archived or contact.reminders_off:
            silenced.append(contact.pk)
        elif due > _local_date(now, zone):
            stale_open.append((contact.pk, due))
    Contact.objects.bulk_update(
        contacts, ["last_interaction_at", "next_follow_up_on"], batch_size=1000
    )
    if silenced:
        # Archived or "no reminders": nothing left to nag about. Closed by the app, not by the
        # user, so no closed_at: it is not an anchor that restarts the cadence (the next
        # recomputation would otherwise push the date one cadence later each time).
        FollowUp.objects.filter(
            contact_id__in=silenced, reason=FollowUpReason.CADENCE, status__in=OPEN_STATUSES
        ).update(status=FollowUpStatus.DISMISSED, snoozed_until=None, closed_at=None)
    if unscheduled:
        # The tier was cleared: an untouched cadence reminder goes, as for a longer cadence.
        FollowUp.objects.filter(
            contact_id__in=unscheduled, reason=FollowUpReason.CADENCE, status=FollowUpStatus.OPEN
        ).delete()
    if stale_open:
        # A longer cadence (or a newer touch) means an untouched reminder is no longer due; it
        # was made by the scanner, so it goes away and the scanner makes the next one in time.
        FollowUp.objects.filter(
            contact_id__in=[pk for pk, _ in stale_open],
            reason=FollowUpReason.CADENCE,
            status=FollowUpStatus.OPEN,
        ).delete()


def mentorship_due_on(mentorship, anchor: datetime | None, zone) -> date:
    """A session is due session_cadence_days after the last one (or the start), or one cadence
    after the user last closed a session reminder by hand."""
    cadence = timedelta(days=mentorship.session_cadence_days)
    due = (mentorship.last_session_on or mentorship.started_on) + cadence
    if anchor is not None:
        due = max(due, _local_date(anchor, zone) + cadence)
    return due
