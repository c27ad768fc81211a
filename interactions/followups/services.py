"""The follow-up engine (services): when a contact is next due, and the follow-ups that
promises, gives, events and mentorships create.

Rules (see README, "Follow-ups"):
- A contact is next due `cadence` days after the local date (owner's time zone) of the last
  logged interaction; a contact never contacted is due `cadence` days after it was added.
  The cadence is the contact's own, else its tier's default in the owner's Profile.
- Done or dismissed on a cadence follow-up restarts the cadence from the day it was closed
  (done counts as a touch; dismissed skips this round), so it comes back one cadence later.
  Cadence follow-ups closed by a logged interaction point at that interaction and do not count.
- Every follow-up has a `source_key`; the unique (owner, source_key) constraint makes each
  creation idempotent, so scanners and services can be run any number of times.

Views and other services call only the public functions below; each is idempotent.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from contacts.models import Contact, Profile

from network_crm import fragment_cache
from .models import (
    Direction,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    InteractionKind,
    Mentorship,
    Support,
    SupportStatus,
)

OPEN_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED)
CLOSED_BY_USER = (FollowUpStatus.DONE, FollowUpStatus.DISMISSED)
# Days after an event's last day when "follow up with everyone I met" is due.
EVENT_FOLLOW_UP_DELAY_DAYS = 3


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


def cadence_for(contact, profile: Profile) -> int:
    """Days between touches for this contact: its own cadence, else its tier's default."""
    return contact.cadence_days or profile.default_cadence(contact.tier)


def local_today(profile: Profile, now: datetime | None = None) -> date:
    """Today's date in the user's time zone."""
    return _local_date(now or timezone.now(), profile.zone)


# Contacts recomputed per round trip: keeps every IN (…) list under SQLite's variable limit
# when a settings change refreshes a whole network.
REFRESH_CHUNK = 2000


def refresh_contact_schedule(contact_ids, *, now: datetime | None = None) -> None:
    """Recompute last_interaction_at and next_follow_up_on for these contacts from their
    interactions and cadence (the contact's own, else its tier's default in the owner's Profile)."""
    ids = list(dict.fromkeys(contact_ids))
    now = now or timezone.now()
    for start in range(0, len(ids), REFRESH_CHUNK):
        _refresh_chunk(ids[start : start + REFRESH_CHUNK], now)


def refresh_owner_schedule(owner) -> None:
    """Recompute every contact of a user, after their time zone or tier cadences changed."""
    refresh_contact_schedule(Contact.objects.filter(owner=owner).values_list("pk", flat=True))


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
    for contact in contacts:
        profile = profiles[contact.owner_id]
        zone = profile.zone
        contact.last_interaction_at = contact.last_at
        base = _local_date(contact.last_at or contact.created_at, zone)
        cadence = cadence_for(contact, profile)
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
        # Archived or "no reminders": nothing left to nag about.
        FollowUp.objects.filter(
            contact_id__in=silenced, reason=FollowUpReason.CADENCE, status__in=OPEN_STATUSES
        ).update(status=FollowUpStatus.DISMISSED, snoozed_until=None, closed_at=now)
    if stale_open:
        # A longer cadence (or a newer touch) means an untouched reminder is no longer due; it
        # was made by the scanner, so it goes away and the scanner makes the next one in time.
        FollowUp.objects.filter(
            contact_id__in=[pk for pk, _ in stale_open],
            reason=FollowUpReason.CADENCE,
            status=FollowUpStatus.OPEN,
        ).delete()


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


# Scanners (called by interactions.tasks on the beat schedule) ------------------------------


def _zone_groups(now: datetime) -> dict[str, date]:
    """Every time zone in use (plus UTC for users without a Profile) → today's date there."""
    zones = set(Profile.objects.values_list("time_zone", flat=True).distinct()) | {"UTC"}
    return {name: _local_date(now, ZoneInfo(name)) for name in zones}


def create_due_cadence_follow_ups(now: datetime | None = None) -> int:
    """Create a cadence follow-up for every active contact whose next_follow_up_on has come in
    its owner's time zone and has none open. One INSERT … SELECT for all time zones at once,
    whatever the number of contacts; the unique source key makes a rerun insert nothing."""
    now = now or timezone.now()
    zones = sorted(_zone_groups(now).items())
    contact_t = Contact._meta.db_table
    profile_t = Profile._meta.db_table
    follow_up_t = FollowUp._meta.db_table
    if connection.vendor == "postgresql":
        due_text = "to_char(c.next_follow_up_on, 'YYYY-MM-DD')"
    else:  # SQLite stores dates as ISO text already.
        due_text = "CAST(c.next_follow_up_on AS TEXT)"
    # Each owner's zone joins a VALUES list of (zone, today there), so the due contacts are
    # read, and the NOT IN set built, once for all zones rather than once per zone. The latest
    # of those days bounds the range read from the contact_due_scan partial index. NOT IN (a
    # hashed subplan in PostgreSQL) keeps one open reminder per contact in linear time even
    # when table statistics are stale, where NOT EXISTS was planned as a quadratic nested loop
    # after a large import.
    local_days = ", ".join(["(%s, %s)"] * len(zones))
    sql = f"""
        INSERT INTO {follow_up_t}
            (owner_id, contact_id, reason, due_on, note, status, source_key, created_at)
        SELECT c.owner_id, c.id, %s, c.next_follow_up_on, '', %s,
               'cadence:' || CAST(c.id AS TEXT) || ':' || {due_text}, %s
        FROM {contact_t} c
        LEFT JOIN {profile_t} p ON p.owner_id = c.owner_id
        JOIN (VALUES {local_days}) AS zone_today
          ON zone_today.column1 = COALESCE(p.time_zone, 'UTC')
        WHERE c.archived = %s AND c.reminders_off = %s
          AND c.next_follow_up_on IS NOT NULL AND c.next_follow_up_on <= %s
          AND c.next_follow_up_on <= zone_today.column2
          AND c.id NOT IN (
              SELECT f.contact_id FROM {follow_up_t} f
              WHERE f.reason = %s AND f.status IN (%s, %s)
          )
        ON CONFLICT DO NOTHING
    """
    params = [FollowUpReason.CADENCE.value, FollowUpStatus.OPEN.value, now]
    params += [value for zone in zones for value in zone]
    params += [False, False, max(today for _, today in zones)]
    params += [FollowUpReason.CADENCE.value, *(status.value for status in OPEN_STATUSES)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def wake_snoozed_follow_ups(now: datetime | None = None) -> int:
    """Snoozed follow-ups whose day has come (in the owner's zone) become open again."""
    now = now or timezone.now()
    zones = _zone_groups(now)
    # One UPDATE for all zones, each owner's with its own today; the latest of those days
    # bounds the range it reads from the followup_snoozed partial index.
    come = Q()
    for zone_name, today in zones.items():
        in_zone = Q(owner__profile__time_zone=zone_name)
        if zone_name == "UTC":
            in_zone |= Q(owner__profile__isnull=True)
        come |= in_zone & Q(snoozed_until__lte=today)
    return FollowUp.objects.filter(
        come, status=FollowUpStatus.SNOOZED, snoozed_until__lte=max(zones.values())
    ).update(status=FollowUpStatus.OPEN, snoozed_until=None)


def mentorship_due_on(mentorship, anchor: datetime | None, zone) -> date:
    """A session is due session_cadence_days after the last one (or the start), or one cadence
    after the user last closed a session reminder by hand."""
    cadence = timedelta(days=mentorship.session_cadence_days)
    due = (mentorship.last_session_on or mentorship.started_on) + cadence
    if anchor is not None:
        due = max(due, _local_date(anchor, zone) + cadence)
    return due


def on_mentorship_saved(mentorship) -> None:
    """After a mentorship is edited: close an open session reminder that a later last-session
    date or the end of the mentorship made moot; the scanner creates the next one when due."""
    moot = FollowUp.objects.filter(
        mentorship=mentorship, reason=FollowUpReason.MENTORSHIP, status__in=OPEN_STATUSES
    )
    if mentorship.active:
        moot = moot.filter(due_on__lt=mentorship_due_on(mentorship, None, None))
    moot.update(status=FollowUpStatus.DISMISSED, snoozed_until=None, closed_at=timezone.now())


def create_due_mentorship_follow_ups(now: datetime | None = None) -> int:
    """Create a "session due" follow-up for every active mentorship whose session has come due;
    idempotent by source key f"mentorship:{id}:{due}". Four queries whatever the number of rows."""
    now = now or timezone.now()
    mentorships = list(
        Mentorship.objects.filter(active=True).only(
            "id",
            "owner_id",
            "mentor_id",
            "mentee_id",
            "session_cadence_days",
            "started_on",
            "last_session_on",
        )
    )
    if not mentorships:
        return 0
    ids = [m.pk for m in mentorships]
    open_ids = set(
        FollowUp.objects.filter(
            mentorship_id__in=ids, reason=FollowUpReason.MENTORSHIP, status__in=OPEN_STATUSES
        ).values_list("mentorship_id", flat=True)
    )
    anchors = dict(
        FollowUp.objects.filter(
            mentorship_id__in=ids,
            reason=FollowUpReason.MENTORSHIP,
            status__in=CLOSED_BY_USER,
            interaction__isnull=True,
            closed_at__isnull=False,
        )
        .values("mentorship_id")
        .annotate(last=Max("closed_at"))
        .values_list("mentorship_id", "last")
    )
    zones = {k: ZoneInfo(v) for k, v in _zones_by_owner({m.owner_id for m in mentorships}).items()}
    rows = []
    for m in mentorships:
        if m.pk in open_ids:
            continue
        zone = zones[m.owner_id]
        due = mentorship_due_on(m, anchors.get(m.pk), zone)
        if due > _local_date(now, zone):
            continue
        rows.append(
            FollowUp(
                owner_id=m.owner_id,
                contact_id=m.mentee_id or m.mentor_id,
                reason=FollowUpReason.MENTORSHIP,
                due_on=due,
                mentorship_id=m.pk,
                source_key=f"mentorship:{m.pk}:{due.isoformat()}",
            )
        )
    created = FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def scan_follow_ups(now: datetime | None = None) -> dict:
    """The follow-up scanner: wake snoozed reminders, then create due cadence and mentorship
    follow-ups. Safe to run any number of times."""
    now = now or timezone.now()
    created = {
        "woken": wake_snoozed_follow_ups(now),
        "cadence": create_due_cadence_follow_ups(now),
        "mentorship": create_due_mentorship_follow_ups(now),
    }
    if any(created.values()):
        fragment_cache.invalidate_everyone()
    return created
