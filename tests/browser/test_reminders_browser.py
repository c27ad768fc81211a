"""The reminders settings in Chromium: add a webhook by its Apprise URL, send it a test, and
watch the row turn to "Sent" once the local receiver has it."""

import pytest
from playwright.sync_api import expect

from network_crm.celery import app as celery_app
from notifications.models import Channel

pytestmark = pytest.mark.browser


@pytest.fixture
def tasks_in_process():
    """The test send runs in the live server's thread instead of a worker (the worker is
    exercised by tests/notifications/test_worker.py)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_a_webhook_is_added_and_a_test_reaches_it(
    owner_phone_page, owner, receiver, tasks_in_process, browser_errors, screenshot
):
    page = owner_phone_page
    page.goto("/settings/")
    page.get_by_role("link", name="Set up reminders").click()
    page.get_by_label("Apprise URL").fill(f"json://{receiver.url.split('//')[1]}/hook")
    page.get_by_label("Name (optional)").fill("Team webhook")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#messages")).to_contain_text("Reminders will also go to Team webhook")

    row = page.locator(".channel", has_text="Team webhook")
    row.get_by_role("button", name="Send a test").click()
    expect(
        page.locator(".channel", has_text="Team webhook").locator(".test-status")
    ).to_contain_text("Sent", timeout=10_000)
    screenshot(page, "reminders-phone")
    (sent,) = receiver.to("/hook")
    assert sent.json()["title"].startswith("Test from network_crm")
    assert Channel.objects.get(owner=owner).name == "Team webhook"
    assert browser_errors == []
