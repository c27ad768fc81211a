"""The follow-up engine (services): when a contact is next due, and the follow-ups that
promises, gives, events and mentorships create. Implemented in the follow-up issue (#4).

Views and other services call only the functions below; each is idempotent.
"""

from datetime import date


def refresh_contact_schedule(contact_ids) -> None:
    """Recompute last_interaction_at and next_follow_up_on for these contacts from their
    interactions and cadence (the contact's own, else its tier's default in the owner's Profile)."""
    raise NotImplementedError


def on_interaction_saved(interaction) -> None:
    """After an interaction is created or edited: refresh its contacts' schedules, close their
    open cadence follow-ups, and create/update the promise follow-up from follow_up_on."""
    raise NotImplementedError


def on_support_saved(support) -> None:
    """After a give/ask is saved: a Give offered with a due date gets a follow-up; done or
    declined closes it."""
    raise NotImplementedError


def snooze(follow_up, until: date) -> None:
    raise NotImplementedError


def mark_done(follow_up) -> None:
    raise NotImplementedError


def dismiss(follow_up) -> None:
    raise NotImplementedError
