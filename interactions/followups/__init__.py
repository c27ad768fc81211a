"""The follow-up engine: when a contact is next due, the follow-ups that promises, gives,
events and mentorships create, the scanners that create the due ones, and the reads that say
why each one exists.

Rules (docs/usage.md, "How reminders work"):
- A contact is next due `cadence` days after the local date (owner's time zone) of the last
  logged interaction; a contact never contacted is due `cadence` days after it was added.
  The cadence is the contact's own, else its tier's default in the owner's Profile.
- Done or dismissed on a cadence follow-up restarts the cadence from the day it was closed
  (done counts as a touch; dismissed skips this round), so it comes back one cadence later.
  Cadence follow-ups closed by a logged interaction point at that interaction and do not count.
- Every follow-up has a `source_key`; the unique (owner, source_key) constraint makes each
  creation idempotent, so scanners and services can be run any number of times.

schedule.py computes each contact's next follow-up, services.py writes follow-ups as the user
acts, scanners.py is what the beat schedule runs, selectors.py and suggestion.py read them.
Callers use the names below (`followups.mark_done(...)`); each write is idempotent.
"""

from .scanners import (
    create_due_cadence_follow_ups,
    create_due_mentorship_follow_ups,
    scan_follow_ups,
    wake_snoozed_follow_ups,
)
from .schedule import (
    CLOSED_BY_USER,
    OPEN_STATUSES,
    cadence_for,
    local_today,
    lost_owner_refreshes,
    mentorship_due_on,
    refresh_contact_schedule,
    refresh_owner_schedule,
    request_owner_refresh,
)
from .services import (
    EVENT_FOLLOW_UP_DELAY_DAYS,
    create_event_follow_ups,
    dismiss,
    mark_done,
    on_contacts_merged,
    on_interaction_saved,
    on_mentorship_saved,
    on_support_saved,
    snooze,
)

__all__ = [
    "CLOSED_BY_USER",
    "EVENT_FOLLOW_UP_DELAY_DAYS",
    "OPEN_STATUSES",
    "cadence_for",
    "create_due_cadence_follow_ups",
    "create_due_mentorship_follow_ups",
    "create_event_follow_ups",
    "dismiss",
    "local_today",
    "lost_owner_refreshes",
    "mark_done",
    "mentorship_due_on",
    "on_contacts_merged",
    "on_interaction_saved",
    "on_mentorship_saved",
    "on_support_saved",
    "refresh_contact_schedule",
    "refresh_owner_schedule",
    "request_owner_refresh",
    "scan_follow_ups",
    "snooze",
    "wake_snoozed_follow_ups",
]
