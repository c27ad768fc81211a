"""Undo for Done, Snooze and Dismiss: before the action, the follow-ups' state (and what Done
changed beside them: a give marked delivered, a mentorship session recorded) is kept in a
signed, time-limited token that only its owner can spend; spending it puts that state back.

The token travels in the Undo button of the message (no table, nothing to clean up); its
signature binds it to the user, and a follow-up changed again since is left alone.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from network_crm import fragment_cache

from ..models import (
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Mentorship,
    Support,
    SupportStatus,
)
from .schedule import refresh_contact_schedule

SALT = "interactions.followups.undo"
# Long enough to notice a wrong click and come back to it; short enough that an old page
# cannot wind back a week of later changes.
UNDO_SECONDS = 10 * 60
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
    return signing.dumps(
        {"u": user.pk, "a": action, "f": [_snapshot(f) for f in follow_ups]}, salt=SALT
    )


class UndoError(Exception):
    """The token is expired, forged, or someone else's: the message says which."""


@dataclass(frozen=True)
class Undone:
    names: list[str]


@transaction.atomic
def undo(user, token: str) -> Undone:
    """Put the follow-ups of `token` back as they were, if it is the user's and recent. A
    follow-up whose state moved on since (closed, reopened or snoozed again) stays as it is."""
    try:
        data = signing.loads(token, salt=SALT, max_age=UNDO_SECONDS)
    except signing.SignatureExpired:
        raise UndoError("Too late to undo: that was more than ten minutes ago.") from None
    except signing.BadSignature:
        raise UndoError("That undo link is not valid.") from None
    if data["u"] != user.pk:
        raise UndoError("That undo link is not valid.")
    states = {state["pk"]: state for state in data["f"]}
    left_by_action = ACTION_STATUS[data["a"]]
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
    fragment_cache.invalidate(user.pk)
    return Undone(names)


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


def remember_undo(request, text: str, token: str) -> None:
    """Without JavaScript: the message of the next page, with its Undo (base.html shows the
    button of a message tagged "undo" with the token kept here)."""
    request.session["undo_token"] = token
    messages.success(request, text, extra_tags="undo")
