"""How nudges are made and sent: each exactly once per channel.

1. The scanner (scan_nudges, started by beat) makes a user's Nudge once the chosen local hour
   of the day (or weekday) has come, unique per (user, frequency, period): a second beat or a
   rerun makes nothing. A nudge with nothing due is kept (items = 0) and sends nothing. For
   each of the user's channels it makes a Delivery, unique per (channel, nudge).
2. Every due delivery is queued (transaction.on_commit). A worker claims it with a
   conditional UPDATE: pending and due, or sending by a worker whose lease (CLAIM_LEASE) ran
   out. Only the worker whose UPDATE changed the row goes on; `claimed_at` fences its writes.
3. It sends, then marks the row sent. A 5xx, a timeout or a refused connection puts it back to
   pending with `next_attempt_at` after a doubling delay, and queues it again for then (the
   scanner re-queues anything due that a lost message left behind); MAX_ATTEMPTS in all, then
   failed. A 4xx is final. A push service's 404 or 410 removes the subscription.
4. Nothing is sent after its period ends (the local day or week): skipped, never stale.
A worker killed between the service's answer and the UPDATE after it leaves the row sending;
after the lease it is sent again: a push notification carries the nudge's tag and Topic, by
which the browser and the push service replace rather than add it; a chat message would show
twice. That window is one local UPDATE long.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from contacts.models import Profile
from interactions.digests import local_window
from interactions.digests.schedule import profile_of

from . import content, senders
from .models import Channel, Delivery, DeliveryStatus, Frequency, Nudge, NudgeSchedule

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
# A test the user asked for is worth sending for this long, then it is dropped.
TEST_WINDOW = timedelta(hours=1)
TOO_LATE = "its day (or week) was over before it could be sent"
NOTHING_DUE = "nothing was due any more"


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` tries: the base, doubling, at most 10 min."""
    return min(600, settings.REMINDER_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def nudge_window(schedule: NudgeSchedule, zone, now: datetime):
    """The user's current nudge period and its moment (interactions' local-hour window)."""
    weekday = schedule.weekday if schedule.frequency == Frequency.WEEKLY else None
    return local_window(zone, now, hour=schedule.hour, weekday=weekday)


def _unclaimed(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def _make_nudges(now: datetime, user_ids=None) -> None:
    """Step 1: this period's Nudge of every user whose moment has come and who has somewhere
    to send it, and a Delivery per enabled channel for every nudge still current."""
    channels = Channel.objects.filter(owner=OuterRef("owner"), enabled=True)
    schedules = (
        NudgeSchedule.objects.filter(Exists(channels), owner__is_active=True)
        .exclude(frequency=Frequency.OFF)
        .select_related("owner")
    )
    if user_ids is not None:
        schedules = schedules.filter(owner_id__in=user_ids)
    schedules = list(schedules)
    zones = dict(
        Profile.objects.filter(owner_id__in=[s.owner_id for s in schedules]).values_list(
            "owner_id", "time_zone"
        )
    )
    existing = set(
        Nudge.objects.filter(
            owner_id__in=[s.owner_id for s in schedules], ends_at__gt=now
        ).values_list("owner_id", "frequency", "period")
    )
    new = []
    for schedule in schedules:
        window = nudge_window(schedule, ZoneInfo(zones.get(schedule.owner_id, "UTC")), now)
        key = (schedule.owner_id, schedule.frequency, window.period)
        if window.due_at <= now < window.ends_at and key not in existing:
            # A daily period is its day; a weekly one covers its week.
            until = content.due_until(schedule.frequency, window.period, window.period)
            new.append(
                Nudge(
                    owner_id=schedule.owner_id,
                    frequency=schedule.frequency,
                    period=window.period,
                    due_at=window.due_at,
                    ends_at=window.ends_at,
                    items=content.count_due(schedule.owner_id, until),
                )
            )
    Nudge.objects.bulk_create(new, ignore_conflicts=True)
    current = Nudge.objects.filter(ends_at__gt=now, items__gt=0)
    if user_ids is not None:
        current = current.filter(owner_id__in=user_ids)
    nudges = list(current.values_list("pk", "owner_id"))
    channels = defaultdict(list)
    for owner_id, channel_id in Channel.objects.filter(
        enabled=True, owner_id__in={owner_id for _, owner_id in nudges}
    ).values_list("owner_id", "pk"):
        channels[owner_id].append(channel_id)
    made = set(
        Delivery.objects.filter(nudge_id__in=[pk for pk, _ in nudges]).values_list(
            "channel_id", "nudge_id"
        )
    )
    Delivery.objects.bulk_create(
        [
            Delivery(owner_id=owner_id, channel_id=channel_id, nudge_id=pk, next_attempt_at=now)
            for pk, owner_id in nudges
            for channel_id in channels[owner_id]
            if (channel_id, pk) not in made
        ],
        ignore_conflicts=True,
    )


def _close_stale(now: datetime) -> None:
    """Step 4: what can no longer be sent on time is skipped."""
    unfinished = Q(status=DeliveryStatus.PENDING) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    Delivery.objects.filter(unfinished, nudge__ends_at__lte=now).update(
        status=DeliveryStatus.SKIPPED, error=TOO_LATE
    )
    Delivery.objects.filter(
        unfinished, nudge__isnull=True, created_at__lt=now - TEST_WINDOW
    ).update(status=DeliveryStatus.SKIPPED, error="the test could not be sent within the hour")
    # A row whose worker kept dying (or that could not be built) MAX_ATTEMPTS times.
    Delivery.objects.filter(unfinished, attempts__gte=settings.REMINDER_MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED
    )


def scan_nudges(now: datetime | None = None, *, user_ids=None) -> list[int]:
    """The reminder scanner: make the nudges whose moment has come, skip what is too late, and
    return the ids of the deliveries due to be sent (including those a dead worker held)."""
    now = now or timezone.now()
    _make_nudges(now, user_ids)
    _close_stale(now)
    due = Delivery.objects.filter(_unclaimed(now))
    if user_ids is not None:
        due = due.filter(owner_id__in=user_ids)
    return list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True))


def _finish(delivery_id: int, token: datetime, **changes) -> bool:
    mine = Delivery.objects.filter(pk=delivery_id, claimed_at=token, status=DeliveryStatus.SENDING)
    return bool(mine.update(**changes))


def deliver(delivery_id: int, now: datetime | None = None) -> tuple[str, int | None]:
    """Claim one delivery and send it: (what happened, seconds until the next try or None).
    Outcomes: "sent", "retry", "failed", "gone" (subscription removed), "skipped", or "not
    mine" (someone else holds or finished it, or it is not due yet)."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        _unclaimed(now), pk=delivery_id, attempts__lt=settings.REMINDER_MAX_ATTEMPTS
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "not mine", None
    delivery = Delivery.objects.select_related("channel", "nudge", "owner__profile").get(
        pk=delivery_id
    )
    nudge = delivery.nudge
    if nudge is not None and now >= nudge.ends_at:
        _finish(delivery_id, now, status=DeliveryStatus.SKIPPED, error=TOO_LATE)
        return "skipped", None
    if not delivery.channel.enabled or not delivery.owner.is_active:
        _finish(delivery_id, now, status=DeliveryStatus.SKIPPED, error="channel turned off")
        return "skipped", None
    try:
        if nudge is None:
            # A test says what a nudge sent now would say.
            schedule = NudgeSchedule.objects.filter(owner=delivery.owner).first() or (
                NudgeSchedule(owner=delivery.owner)
            )
            window = nudge_window(schedule, profile_of(delivery.owner).zone, now)
            message = content.build_nudge(
                delivery.owner, schedule.frequency, window.period, now, test=True
            )
        else:
            message = content.build_nudge(delivery.owner, nudge.frequency, nudge.period, now)
            if message.items == 0:
                _finish(delivery_id, now, status=DeliveryStatus.SKIPPED, error=NOTHING_DUE)
                return "skipped", None
        tag = f"nudge-{nudge.pk}" if nudge else f"test-{delivery_id}"
        senders.send(delivery.channel, message, tag)
    except senders.SubscriptionGone as exc:
        logger.info("push subscription %s is gone (%s); removing it", delivery.channel_id, exc)
        Channel.objects.filter(pk=delivery.channel_id).delete()
        return "gone", None
    except senders.DeliveryError as exc:
        attempts = delivery.attempts
        if exc.retryable and attempts < settings.REMINDER_MAX_ATTEMPTS:
            delay = retry_delay(attempts)
            _finish(
                delivery_id,
                now,
                status=DeliveryStatus.PENDING,
                next_attempt_at=now + timedelta(seconds=delay),
                error=str(exc)[:300],
            )
            logger.warning("reminder %s: %s; try %s in %s s", delivery_id, exc, attempts + 1, delay)
            return "retry", delay
        _finish(delivery_id, now, status=DeliveryStatus.FAILED, error=str(exc)[:300])
        logger.error("reminder %s failed: %s", delivery_id, exc)
        return "failed", None
    except Exception as exc:
        # Left sending: after the lease the scanner queues it again, MAX_ATTEMPTS in all.
        logger.exception("reminder %s could not be built or sent", delivery_id)
        _finish(delivery_id, now, error=f"{type(exc).__name__}: {exc}"[:300])
        return "error", None
    if not _finish(delivery_id, now, status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""):
        logger.warning("reminder %s was sent after its claim had been taken over", delivery_id)
    return "sent", None
