"""`make demo` right after seeding: the follow-up scanner has run once (overdue counts right at
once), and "one person this week" never serves an empty answer cached before the seeding."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.services import get_profile
from interactions.dashboard.selectors import one_person
from interactions.demo import build_demo_network
from interactions.models import FollowUp

pytestmark = pytest.mark.django_db


def test_an_empty_one_person_cached_before_seeding_is_dropped_by_the_seeding(
    owner, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    assert one_person(owner, get_profile(owner), today) is None  # cached: "nobody yet"
    with django_capture_on_commit_callbacks(execute=True):
        build_demo_network(owner, contacts=30, seed=3)
    suggestion = one_person(owner, get_profile(owner), today)
    assert suggestion is not None and suggestion.contact.owner == owner


def test_scan_now_runs_the_follow_up_scanner_once_and_is_idempotent(owner, capsys):
    build_demo_network(owner, contacts=30, seed=3)
    before = FollowUp.objects.filter(owner=owner).count()
    call_command("scan_now")
    after = FollowUp.objects.filter(owner=owner).count()
    assert after > before  # cadence reminders due in the seeded network, created at once
    assert "Follow-up scanner ran" in capsys.readouterr().out
    call_command("scan_now")
    assert FollowUp.objects.filter(owner=owner).count() == after


def test_make_run_scans_once_before_starting_the_processes():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert run.index("seed_demo") < run.index("scan_now") < run.index("honcho")
