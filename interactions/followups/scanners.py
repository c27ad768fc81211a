"""The follow-up scanners (called by interactions.tasks on the beat schedule): set-based
statements that wake snoozed reminders and create the due cadence and mentorship follow-ups,
whatever the number of users."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from contacts.models import Contact, Profile
from network_crm import fragment_cache

from ..models import FollowUp, FollowUpReason, FollowUpStatus, Mentorship
from .schedule import CLOSED_BY_USER, OPEN_STATUSES, _local_date, _zones_by_owner, mentorship_due_on


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
