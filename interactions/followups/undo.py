"""Undo for Done, Snooze and Dismiss (network_crm.undo, kind "follow-ups"): before the
action, the follow-ups' state (and what Done changed beside them: a give marked delivered, a
mentorship session recorded) goes into the token; undoing puts that state back. A follow-up
changed again since is left alone.
"""

from datetime import date

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from network_crm import undo as undo_core

from ..models import (
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Mentorship,
    Support,
    SupportStatus,
)
from .schedule import refresh_contact_schedule

KIND = "follow-ups"
# What each action leaves a follow-up as: only a follow-up still so is put back.
ACTION_STATUS = {
    "done": FollowUpStatus.DONE,
    "dismiss": FollowUpStatus.DISMISSED,
    "snooze": FollowUpStatus.SNOOZED,
}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _snapshot(follow_up: FollowUp) -> dict:
    state = {
        "pk": follow_up.pk,
        "status": follow_up.status,
        "due_on": _iso(follow_up.due_on),
        "snoozed_until": _iso(follow_up.snoozed_until),
        "closed_at": _iso(follow_up.closed_at),
    }
    if follow_up.reason == FollowUpReason.GIVE and follow_up.support_id:
        support = Support.objects.filter(pk=follow_up.support_id).values_list("status", flat=True)
        state["support"] = [follow_up.support_id, support.first()]
    if follow_up.reason == FollowUpReason.MENTORSHIP and follow_up.mentorship_id:
        last = Mentorship.objects.filter(pk=follow_up.mentorship_id).values_list(
            "last_session_on", flat=True
        )
        state["mentorship"] = [follow_up.mentorship_id, _iso(last.first())]
    return state


def make_token(user, follow_ups: list[FollowUp], action: str) -> str:
    """Call before the action: the state to come back to, signed for `user`."""
    payload = {"a": action, "f": [_snapshot(f) for f in follow_ups]}
    return undo_core.make_token(user, KIND, payload)


def put_back(user, payload: dict) -> undo_core.Undone:
    """Put the follow-ups of a token back as they were (undo_core.undo checked the token). A
    follow-up whose state moved on since (closed, reopened or snoozed again) stays as it is."""
    states = {state["pk"]: state for state in payload["f"]}
    left_by_action = ACTION_STATUS[payload["a"]]
    follow_ups = FollowUp.objects.select_for_update().select_related("contact").filter(
        owner=user, pk__in=list(states)
    )
    names, cadence_contacts = [], []
    for follow_up in follow_ups:
        state = states[follow_up.pk]
        if follow_up.status != left_by_action:
            continue  # closed, reopened or snoozed again since: that later change stands
        follow_up.status = state["status"]
        follow_up.due_on = parse_date(state["due_on"])
        follow_up.snoozed_until = state["snoozed_until"] and parse_date(state["snoozed_until"])
        follow_up.closed_at = state["closed_at"] and parse_datetime(state["closed_at"])
        follow_up.save(update_fields=["status", "due_on", "snoozed_until", "closed_at"])
        _restore_beside(user, state)
        if follow_up.reason == FollowUpReason.CADENCE:
            cadence_contacts.append(follow_up.contact_id)
        if follow_up.contact.display_name not in names:
            names.append(follow_up.contact.display_name)
    if cadence_contacts:
        refresh_contact_schedule(cadence_contacts, now=timezone.now())
    return undo_core.Undone(names, events=("followUpChanged",))


def _restore_beside(user, state: dict) -> None:
    if "support" in state:
        pk, status = state["support"]
        if status == SupportStatus.OFFERED:
            Support.objects.filter(owner=user, pk=pk, status=SupportStatus.DONE).update(
                status=SupportStatus.OFFERED, done_on=None, updated_at=timezone.now()
            )
    if "mentorship" in state:
        pk, last = state["mentorship"]
        last_on: date | None = parse_date(last) if last else None
        Mentorship.objects.filter(owner=user, pk=pk).update(
            last_session_on=last_on, updated_at=timezone.now()
        )
