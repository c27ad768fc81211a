"""Saving the Settings page."""

from django.db import transaction

from .. import followups
from ..tasks import refresh_owner_schedule
from .forms import ProfileForm


def save_settings(form: ProfileForm) -> bool:
    """Save a valid settings form; a new time zone or tier cadence has the worker recompute
    every contact's next follow-up (20 s at 30,000 contacts, too long for the request). True
    when the schedule is to move. Quick saves in a row queue one run, which reads the last."""
    with transaction.atomic():
        form.save()
        if not form.schedule_changed():
            return False
        user_id = form.user.pk
        if followups.request_owner_refresh(user_id):
            transaction.on_commit(lambda: refresh_owner_schedule.delay(user_id))
    return True
