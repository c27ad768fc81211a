"""Saving the Settings page."""

from django.db import transaction

from ..tasks import refresh_owner_schedule
from .forms import ProfileForm


def save_settings(form: ProfileForm) -> bool:
    """Save a valid settings form; a new time zone or tier cadence queues the recomputation of
    every contact's next follow-up on the worker (20 s at 30,000 contacts, too long for the
    request). True when that was queued."""
    with transaction.atomic():
        form.save()
        if not form.schedule_changed():
            return False
        user_id = form.user.pk
        transaction.on_commit(lambda: refresh_owner_schedule.delay(user_id))
    return True
