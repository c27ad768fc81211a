"""Suggestions in a real browser: the Review card on the dashboard, logging with one click
(the contact's cadence resets), the "e" key opening the Log form prefilled, and a dismissed
suggestion that stays dismissed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from capture.models import Suggestion, SuggestionStatus
from contacts.models import Contact
from interactions.models import FollowUpReason, Interaction
from tests.factories import ContactFactory, FollowUpFactory

pytestmark = pytest.mark.browser


def _suggestion(owner, contacts, title, hours_ago):
    start = timezone.now() - timedelta(hours=hours_ago)
    suggestion = Suggestion.objects.create(
        owner=owner, key=f"event:{title}", origin="meeting", kind="video", title=title,
        occurred_at=start, ends_at=start + timedelta(minutes=30),
    )
    suggestion.contacts.set(contacts)
    return suggestion


@pytest.fixture
def suggestions(owner):
    ana = ContactFactory(owner=owner, name="Ana Alves", cadence_days=14)
    jonas = ContactFactory(owner=owner, name="Jonas Jung")
    overdue = timezone.localdate() - timedelta(days=10)
    Contact.objects.filter(pk=ana.pk).update(next_follow_up_on=overdue)
    FollowUpFactory(owner=owner, contact=ana, reason=FollowUpReason.CADENCE, due_on=overdue,
                    source_key="seed:ana")
    return {
        "sync": _suggestion(owner, [ana, jonas], "Architecture sync", 3),
        "standup": _suggestion(owner, [jonas], "Standup", 5),
        "review": _suggestion(owner, [ana], "Design review", 7),
        "ana": ana,
    }


def test_one_click_logs_a_suggestion_and_resets_the_cadence(owner_page, suggestions, browser_errors):
    page = owner_page
    page.goto("/")
    card = page.locator("#card-review")
    expect(card).to_contain_text("Met Ana Alves and Jonas Jung: Architecture sync")
    expect(page.locator("#card-reach-out")).to_contain_text("Ana Alves")

    card.get_by_role("button", name="Log Met Ana Alves and Jonas Jung").click()

    expect(card).not_to_contain_text("Architecture sync")
    expect(page.locator("#messages")).to_contain_text("Logged: Met Ana Alves and Jonas Jung")
    expect(page.locator("#card-activity")).to_contain_text("Architecture sync")
    expect(page.locator("#card-reach-out")).not_to_contain_text("Ana Alves")
    ana = Contact.objects.get(pk=suggestions["ana"].pk)
    interaction = Interaction.objects.get(summary="Architecture sync")
    assert ana.last_interaction_at == interaction.occurred_at
    assert ana.next_follow_up_on == timezone.localtime(interaction.occurred_at).date() + timedelta(days=14)
    assert browser_errors == []


def test_e_on_a_row_opens_the_log_form_prefilled(owner_page, suggestions, browser_errors):
    page = owner_page
    page.goto("/")
    row = page.locator(f"#suggestion-{suggestions['standup'].pk}")
    row.focus()
    page.keyboard.press("e")
    dialog = page.locator("dialog#log-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Summary")).to_have_value("Standup")
    expect(dialog.locator("[data-picker-selected]")).to_contain_text("Jonas Jung")
    dialog.get_by_label("Notes").fill("Blocked on the API review.")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#card-review")).not_to_contain_text("Standup")
    assert Interaction.objects.get(summary="Standup").notes == "Blocked on the API review."
    assert Suggestion.objects.get(pk=suggestions["standup"].pk).status == SuggestionStatus.LOGGED
    assert browser_errors == []


def test_a_dismissed_suggestion_stays_dismissed(owner_page, suggestions, browser_errors):
    page = owner_page
    page.goto("/")
    card = page.locator("#card-review")
    expect(card).to_contain_text("Design review")
    row = page.locator(f"#suggestion-{suggestions['review'].pk}")
    row.focus()
    page.keyboard.press("x")
    expect(card).not_to_contain_text("Design review")
    page.reload()
    expect(page.locator("#card-review")).to_contain_text("Architecture sync")
    expect(page.locator("#card-review")).not_to_contain_text("Design review")
    page.goto("/capture/")
    expect(page.locator("#review-page")).not_to_contain_text("Design review")
    assert not Interaction.objects.filter(summary="Design review").exists()
    assert browser_errors == []
