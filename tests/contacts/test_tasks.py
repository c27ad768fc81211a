import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from contacts.tasks import recompute_strength
from interactions import services
from tests.factories import ContactFactory


def test_strength_recompute_is_on_the_beat_schedule_once_a_day():
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-strength"]
    assert entry["task"] == "contacts.tasks.recompute_strength"
    assert entry["schedule"] == 24 * 3600


@pytest.mark.django_db
def test_strength_decays_when_the_daily_task_runs_months_later(owner):
    contact = ContactFactory(owner=owner)
    services.log_interaction(
        owner, {"contacts": [contact], "occurred_on": timezone.localdate(), "kind": "coffee"}
    )
    contact.refresh_from_db()
    fresh = contact.strength
    with time_machine.travel(timezone.now() + datetime.timedelta(days=200)):
        recompute_strength()
    contact.refresh_from_db()
    assert 0 <= contact.strength < fresh
