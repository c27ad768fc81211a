"""The fragment cache (network_crm/fragment_cache.py), through the dashboard: a repeat visit
costs a few queries, and every kind of write the cards could show is visible on the next one."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from interactions import followups
from interactions.models import FollowUp, FollowUpReason, FollowUpStatus
from network_crm import fragment_cache
from tests.factories import ContactFactory, InteractionFactory, ProfileFactory, SupportFactory

# The dashboard tests' clock (frozen_noon, autouse) and follow-up helper.
from tests.interactions.dashboard.test_dashboard import (  # noqa: F401
    HTMX,
    NOON,
    TODAY,
    due,
    frozen_noon,
)
from tests.interactions.dashboard.test_dashboard import reach_out_ids as reach_out_ids_of
from tests.interactions.test_views import log_post

pytestmark = pytest.mark.django_db


def reach_out_ids(client) -> list[int]:
    return reach_out_ids_of(client.get("/"))


def queries(client, url="/", **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **extra).status_code == 200
    return len(captured)


def test_a_repeat_visit_reads_the_cards_from_the_cache(owner_client, owner):
    ProfileFactory(owner=owner)
    for i in range(12):
        due(owner, days_ago=i)
        SupportFactory(owner=owner)
        InteractionFactory(owner=owner)
    owner_client.get(reverse("dashboard_card", args=["one-person"]), **HTMX)  # ranked today
    cold = queries(owner_client)
    warm = queries(owner_client)
    # User, the suggested person, the scheduler's heartbeat (the session and the time zone
    # come from the cache, and the profile is read only to render a card).
    assert warm == 3, warm
    assert cold > warm
    # A card's own URL (its htmx refresh) is served from the same entries.
    assert queries(owner_client, reverse("dashboard_card", args=["promises"]), **HTMX) == 1


def test_cached_html_carries_each_responses_own_csrf_token(owner):
    ProfileFactory(owner=owner)
    follow_up = due(owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get("/")  # fills the cache
    html = client.get("/").content.decode()
    assert fragment_cache.CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    done = reverse("dashboard_follow_up_done", args=[follow_up.pk])
    response = client.post(done, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_an_action_through_the_page_shows_on_the_next_visit(owner_client, owner):
    follow_up = due(owner)
    assert reach_out_ids(owner_client) == [follow_up.pk]
    owner_client.post(reverse("dashboard_follow_up_dismiss", args=[follow_up.pk]), **HTMX)
    assert reach_out_ids(owner_client) == []


def test_a_queryset_update_in_a_view_shows_on_the_next_visit(owner_client, owner):
    # Bulk archive is a queryset .update(): no model signal, the middleware forgets the cards.
    follow_up = due(owner)
    assert reach_out_ids(owner_client) == [follow_up.pk]
    owner_client.post(
        reverse("contacts:bulk"), {"ids": [follow_up.contact_id], "action": "archive"}
    )
    assert Contact.objects.get(pk=follow_up.contact_id).archived
    assert reach_out_ids(owner_client) == []


def test_logging_a_conversation_keeps_the_contacts_generation_and_a_bulk_action_moves_it(
    owner_client, owner
):
    ProfileFactory(owner=owner)  # a first visit makes it, which is a contacts write
    contact = ContactFactory(owner=owner)
    contacts_before, cards_before = (
        fragment_cache.contacts_generation(owner.pk), fragment_cache.generation(owner.pk)
    )
    response = owner_client.post(reverse("interactions:create"), log_post([contact]))
    assert response.status_code == 302 and contact.interactions.exists()
    assert fragment_cache.generation(owner.pk) != cards_before
    assert fragment_cache.contacts_generation(owner.pk) == contacts_before
    owner_client.post(reverse("contacts:bulk"), {"ids": [contact.pk], "action": "archive"})
    assert fragment_cache.contacts_generation(owner.pk) != contacts_before


def test_a_row_saved_outside_a_request_shows_on_the_next_visit(owner_client, owner):
    first = due(owner, days_ago=2)
    assert reach_out_ids(owner_client) == [first.pk]
    second = due(owner, days_ago=1)  # a save in a worker or the shell: post_save
    assert reach_out_ids(owner_client) == [first.pk, second.pk]
    second.delete()
    assert reach_out_ids(owner_client) == [first.pk]


def test_an_emailed_done_link_shows_on_the_next_visit(owner_client, owner):
    follow_up = due(owner)
    assert reach_out_ids(owner_client) == [follow_up.pk]
    followups.mark_done(follow_up)  # what the digest's signed link calls, signed out
    assert reach_out_ids(owner_client) == []


def test_the_scanners_new_reminders_show_on_the_next_visit(owner_client, owner):
    ProfileFactory(owner=owner)
    contact = ContactFactory(owner=owner, cadence_days=7)
    Contact.objects.filter(pk=contact.pk).update(next_follow_up_on=TODAY - dt.timedelta(days=1))
    assert reach_out_ids(owner_client) == []
    assert followups.scan_follow_ups()["cadence"] == 1  # set-based SQL, no signals
    created = FollowUp.objects.get(contact=contact, reason=FollowUpReason.CADENCE)
    assert reach_out_ids(owner_client) == [created.pk]


def test_the_page_turns_over_at_the_users_midnight(owner_client, owner):
    tomorrow = due(owner, days_ago=-1)
    assert reach_out_ids(owner_client) == []
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert reach_out_ids(owner_client) == [tomorrow.pk]


def test_one_users_cached_cards_never_reach_another(owner_client, owner, stranger_client):
    follow_up = due(owner, contact=ContactFactory(owner=owner, name="Owner's Secret Contact"))
    assert reach_out_ids(owner_client) == [follow_up.pk]
    html = stranger_client.get("/").content.decode()
    assert "Owner&#x27;s Secret Contact" not in html and "Secret Contact" not in html
    assert reach_out_ids(stranger_client) == []


def test_without_a_cache_the_page_is_still_rendered(owner_client, owner, settings):
    follow_up = due(owner)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert reach_out_ids(owner_client) == [follow_up.pk]


# --- the contact page: its body is cached per contact -------------------------------------------


def test_a_repeat_visit_of_a_contact_page_reads_its_body_from_the_cache(owner_client, owner):
    contact = ContactFactory(owner=owner)
    for _ in range(5):
        InteractionFactory(owner=owner, contacts=[contact, ContactFactory(owner=owner)])
        SupportFactory(owner=owner, contact=contact)
    url = reverse("contacts:detail", args=[contact.pk])
    owner_client.get(reverse("contacts:list"))  # the first page reads the zone (no Profile)
    cold = queries(owner_client, url)
    # User, the contact (met at / introduced by joined), its tags (the session is cached).
    assert queries(owner_client, url) == 3
    assert cold > 3
    # The full history is a body of its own.
    assert queries(owner_client, url, data={"history": "all"}) == cold


def timeline_html(client, url) -> str:
    html = client.get(url).content.decode()
    return html.split('id="timeline-title"')[1].split("</section>")[0]


def test_a_quick_log_on_the_contact_page_shows_on_the_next_visit(owner_client, owner):
    contact = ContactFactory(owner=owner)
    url = reverse("contacts:detail", args=[contact.pk])
    assert "Thanked them" not in timeline_html(owner_client, url)
    owner_client.post(reverse("interactions:quick_log", args=[contact.pk, "thanked"]))
    assert "Thanked them" in timeline_html(owner_client, url)


def test_a_give_saved_outside_a_request_shows_on_the_contact_page(owner_client, owner):
    contact = ContactFactory(owner=owner)
    url = reverse("contacts:detail", args=[contact.pk])
    owner_client.get(url)
    SupportFactory(owner=owner, contact=contact, description="Review the promo packet")
    assert "Review the promo packet" in owner_client.get(url).content.decode()


def test_the_cached_contact_page_carries_each_responses_own_csrf_token(owner):
    contact = ContactFactory(owner=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    url = reverse("contacts:detail", args=[contact.pk])
    client.get(url)  # fills the cache
    html = client.get(url).content.decode()
    assert fragment_cache.CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    quick_log = reverse("interactions:quick_log", args=[contact.pk, "thanked"])
    assert client.post(quick_log, {"csrfmiddlewaretoken": token}).status_code == 302
    assert contact.interactions.count() == 1
