"""Interaction, Log form, support, mentorship and follow-up action views: happy paths, htmx
fragments vs pages, redirects, a stranger's 404 on every object URL, query counts."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.models import (
    Direction,
    FollowUp,
    FollowUpStatus,
    Interaction,
    Mentorship,
    Support,
    SupportStatus,
)
from network_crm.fragment_cache import CSRF_PLACEHOLDER
from tests.factories import (
    ContactFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    SupportFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def count_queries(client, url, **extra):
    client.get(url, **extra)  # warm up: the first request creates the profile, the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def count_building_queries(client, owner, url, **extra):
    """The queries of a visit that builds the interactions list's results (the first after a
    write: they are kept per user and query string until then)."""
    from network_crm import fragment_cache

    client.get(url, **extra)  # warm up: the first request creates the profile, the session
    fragment_cache.invalidate(owner.pk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def log_post(contacts, **extra):
    data = {
        "contacts": [c.pk for c in contacts],
        "kind": "coffee",
        "occurred_on": datetime.date.today().isoformat(),
        "initiated_by": "me",
        "summary": "Coffee chat",
    }
    data.update(extra)
    return data


# --- the Log form ------------------------------------------------------------------------------


def test_log_form_prefills_the_contact_from_the_query(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    body = owner_client.get(reverse("interactions:create"), {"contact": ada.pk}).content.decode()
    assert f'name="contacts" value="{ada.pk}" checked' in body


def test_log_form_ignores_a_strangers_contact_in_the_query(owner_client, stranger):
    other = ContactFactory(owner=stranger, name="Secret Person")
    body = owner_client.get(reverse("interactions:create"), {"contact": other.pk}).content.decode()
    assert "Secret Person" not in body.split("<noscript>")[0]


def test_log_form_never_lists_every_contact(owner_client, owner):
    ContactFactory(owner=owner, name="Ada Lovelace")
    ContactFactory(owner=owner, name="Grace Hopper")
    body = owner_client.get(reverse("interactions:create")).content.decode()
    assert '<select name="contacts"' not in body
    assert "Ada Lovelace" not in body and "Grace Hopper" not in body


def test_log_form_picker_searches_contacts(owner_client):
    body = owner_client.get(reverse("interactions:create")).content.decode()
    assert f'hx-get="{reverse("contacts:search")}"' in body


def test_log_without_htmx_redirects_to_next(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:create"), log_post([ada], next="/contacts/?q=x")
    )
    assert response.status_code == 302 and response["Location"] == "/contacts/?q=x"
    assert Interaction.objects.filter(owner=owner).count() == 1


def test_log_without_next_redirects_to_the_first_contact(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(reverse("interactions:create"), log_post([ada]))
    assert response["Location"] == reverse("contacts:detail", args=[ada.pk])


def test_log_refuses_an_offsite_next(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:create"), log_post([ada], next="//evil.example/")
    )
    assert response["Location"] == reverse("contacts:detail", args=[ada.pk])


def test_log_with_htmx_returns_the_confirmation_and_trigger(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    response = owner_client.post(reverse("interactions:create"), log_post([ada]), **HTMX)
    body = response.content.decode()
    assert (
        response.status_code == 200
        and "<html" not in body
        and "Logged" in body
        and "Ada Lovelace" in body
    )
    trigger = json.loads(response["HX-Trigger"])
    assert trigger["interactionLogged"]["contacts"] == [ada.pk]


def test_log_with_an_error_keeps_what_was_typed_next_to_the_field(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    response = owner_client.post(
        reverse("interactions:create"),
        log_post([ada], summary="Lunch at Joe's", give_description="Send the deck"),
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Pick what kind of give this is." in body
    assert "Lunch at Joe&#x27;s" in body and "Send the deck" in body
    assert f'name="contacts" value="{ada.pk}" checked' in body
    assert not Interaction.objects.exists()


def test_log_with_no_contact_shows_the_error(owner_client):
    response = owner_client.post(reverse("interactions:create"), log_post([]))
    assert b"Pick at least one contact." in response.content


def test_log_htmx_get_into_the_modal_has_the_dialog_frame(owner_client):
    body = owner_client.get(
        reverse("interactions:create"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="modal"
    ).content.decode()
    assert 'role="dialog"' in body and 'id="log-form"' in body and "<html" not in body


def test_log_htmx_get_elsewhere_is_the_bare_form(owner_client):
    body = owner_client.get(
        reverse("interactions:create"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="log-dialog-body"
    ).content.decode()
    assert 'role="dialog"' not in body and 'id="log-form"' in body


def test_log_copies_working_on_to_the_contact(owner_client, owner):
    ada = ContactFactory(owner=owner)
    owner_client.post(reverse("interactions:create"), log_post([ada], working_on="A Rust rewrite"))
    ada.refresh_from_db()
    assert ada.working_on == "A Rust rewrite"


def test_log_with_a_give_creates_it(owner_client, owner):
    ada = ContactFactory(owner=owner)
    owner_client.post(
        reverse("interactions:create"),
        log_post([ada], give_kind="knowledge", give_description="Article"),
    )
    assert Support.objects.get().description == "Article"


# --- quick log ---------------------------------------------------------------------------------


def test_quick_log_with_htmx_returns_a_fragment_and_trigger(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    response = owner_client.post(
        reverse("interactions:quick_log", args=[ada.pk, "thanked"]), **HTMX
    )
    assert b"Thanked them" in response.content and b"<html" not in response.content
    # The dashboard's toast reads the event, which reaches <body> whatever became of the button.
    logged = json.loads(response["HX-Trigger"])["interactionLogged"]
    assert logged["quick"] is True and logged["target"] == "body"
    assert logged["message"] == "Logged “Thanked them” for Ada Lovelace."
    assert Interaction.objects.get().summary == "Thanked them"


def test_quick_log_without_htmx_redirects_to_the_contact(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(reverse("interactions:quick_log", args=[ada.pk, "shared_article"]))
    assert response["Location"] == reverse("contacts:detail", args=[ada.pk])


def test_quick_log_unknown_kind_is_404(owner_client, owner):
    ada = ContactFactory(owner=owner)
    assert (
        owner_client.post(reverse("interactions:quick_log", args=[ada.pk, "hugged"])).status_code
        == 404
    )


# --- interactions list / edit / delete ---------------------------------------------------------


def test_interaction_list_htmx_returns_the_results_fragment(owner_client, owner):
    InteractionFactory(owner=owner, contacts=[ContactFactory(owner=owner)], summary="Lunch talk")
    body = owner_client.get(reverse("interactions:list"), {"q": "lunch"}, **HTMX).content.decode()
    assert 'id="interaction-results"' in body and "Lunch talk" in body and "<html" not in body


def test_interaction_list_query_count_does_not_grow(owner_client, owner):
    def add(n):
        for _ in range(n):
            InteractionFactory(
                owner=owner, contacts=[ContactFactory(owner=owner), ContactFactory(owner=owner)]
            )

    add(3)
    few = count_building_queries(owner_client, owner, reverse("interactions:list"))
    add(30)
    assert count_building_queries(owner_client, owner, reverse("interactions:list")) == few


def test_interaction_edit_saves_and_redirects(owner_client, owner):
    ada = ContactFactory(owner=owner)
    interaction = InteractionFactory(owner=owner, contacts=[ada])
    response = owner_client.post(
        reverse("interactions:edit", args=[interaction.pk]), log_post([ada], summary="Edited")
    )
    interaction.refresh_from_db()
    assert response["Location"] == reverse("interactions:detail", args=[interaction.pk])
    assert interaction.summary == "Edited"


def test_interaction_edit_page_shows_its_contacts_as_picked(owner_client, owner):
    ada = ContactFactory(owner=owner)
    interaction = InteractionFactory(owner=owner, contacts=[ada])
    body = owner_client.get(reverse("interactions:edit", args=[interaction.pk])).content.decode()
    assert f'name="contacts" value="{ada.pk}" checked' in body


def test_interaction_delete_with_htmx_leaves_only_the_out_of_band_message(owner_client, owner):
    interaction = InteractionFactory(owner=owner, contacts=[ContactFactory(owner=owner)])
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]), **HTMX)
    # The row is replaced by nothing: all the answer holds goes to #messages.
    assert response.text.lstrip().startswith('<div hx-swap-oob="afterbegin:#messages">')
    assert response.text.rstrip().endswith("</div>") and response.text.count("<li") == 0
    assert not Interaction.objects.exists()


def test_interaction_delete_without_htmx_redirects(owner_client, owner):
    interaction = InteractionFactory(owner=owner, contacts=[ContactFactory(owner=owner)])
    response = owner_client.post(reverse("interactions:delete", args=[interaction.pk]))
    assert response["Location"] == reverse("interactions:list")


# --- supports ----------------------------------------------------------------------------------


def test_support_create_prefills_direction_and_contact(owner_client, owner):
    ada = ContactFactory(owner=owner)
    form = owner_client.get(
        reverse("interactions:support_create"), {"direction": "ask", "contact": ada.pk}
    ).context["form"]
    assert form.initial["direction"] == "ask" and form.initial["contact"] == ada.pk


def test_support_create_redirects_to_the_contact(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:support_create"),
        {
            "direction": "received",
            "contact": ada.pk,
            "kind": "review",
            "status": "done",
            "offered_on": "2026-06-01",
            "description": "Reviewed my talk",
        },
    )
    support = Support.objects.get()
    assert response["Location"] == reverse("contacts:detail", args=[ada.pk])
    assert support.direction == Direction.RECEIVED and support.done_on is not None


def test_support_intro_without_second_person_shows_the_message(owner_client, owner):
    ada = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:support_create"),
        {
            "direction": "give",
            "contact": ada.pk,
            "kind": "intro",
            "status": "offered",
            "offered_on": "2026-06-01",
        },
    )
    assert b"An intro needs a second person" in response.content and not Support.objects.exists()


def test_support_list_filters_by_direction(owner_client, owner):
    SupportFactory(owner=owner, direction=Direction.ASK, description="Asked for a referral")
    SupportFactory(owner=owner, direction=Direction.GIVE, description="Gave a review")
    body = owner_client.get(
        reverse("interactions:support_list"), {"direction": "ask"}
    ).content.decode()
    assert "Asked for a referral" in body and "Gave a review" not in body


def test_support_list_query_count_does_not_grow(owner_client, owner):
    def add(n):
        for _ in range(n):
            SupportFactory(owner=owner, kind="intro", intro_to=ContactFactory(owner=owner))

    add(3)
    few = count_queries(owner_client, reverse("interactions:support_list"))
    add(30)
    assert count_queries(owner_client, reverse("interactions:support_list")) == few


def test_support_list_kept_results_follow_each_change_and_filter(owner_client, owner):
    url = reverse("interactions:support_list")
    review = SupportFactory(owner=owner, direction=Direction.GIVE, description="Gave a review")
    assert "Gave a review" in owner_client.get(url).text
    # Changed outside any request of the user's (the API, a restore): the model signal forgets
    # the kept results.
    Support.objects.get(pk=review.pk).delete()
    SupportFactory(owner=owner, direction=Direction.ASK, description="Asked for a referral")
    body = owner_client.get(url).text
    assert "Asked for a referral" in body and "Gave a review" not in body
    assert "Asked for a referral" not in owner_client.get(url, {"direction": "give"}).text
    # The htmx answer to the filters is the results alone, with this session's CSRF token.
    results = owner_client.get(url, {"direction": "ask"}, **HTMX).text
    assert results.lstrip().startswith('<div id="support-results"')
    assert "Asked for a referral" in results
    assert owner_client.cookies["csrftoken"].value and CSRF_PLACEHOLDER not in results


def test_mark_done_with_htmx_returns_the_row_and_trigger(owner_client, owner):
    support = SupportFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:support_mark_done", args=[support.pk]), **HTMX
    )
    support.refresh_from_db()
    assert support.status == SupportStatus.DONE
    assert (
        f'id="support-{support.pk}"' in response.content.decode()
        and b"<html" not in response.content
    )
    assert "promiseChanged" in response["HX-Trigger"]


def test_mark_done_without_htmx_redirects_to_next(owner_client, owner):
    support = SupportFactory(owner=owner)
    url = reverse("contacts:detail", args=[support.contact_id])
    response = owner_client.post(
        reverse("interactions:support_mark_done", args=[support.pk]), {"next": url}
    )
    assert response["Location"] == url


def test_support_delete(owner_client, owner):
    support = SupportFactory(owner=owner)
    owner_client.post(reverse("interactions:support_delete", args=[support.pk]))
    assert not Support.objects.exists()


# --- mentorships -------------------------------------------------------------------------------


def test_mentorship_list_groups_roles(owner_client, owner):
    MentorshipFactory(
        owner=owner, mentor=ContactFactory(owner=owner, name="Mia Mentor"), mentee=None
    )
    MentorshipFactory(owner=owner, mentee=ContactFactory(owner=owner, name="Mo Mentee"))
    body = owner_client.get(reverse("interactions:mentorship_list")).content.decode()
    assert (
        body.index("My mentors")
        < body.index("Mia Mentor")
        < body.index("My mentees")
        < body.index("Mo Mentee")
    )


def test_mentorship_list_query_count_does_not_grow(owner_client, owner):
    def add(n):
        for _ in range(n):
            MentorshipFactory(owner=owner, mentor=ContactFactory(owner=owner))
            MentorshipFactory(owner=owner, mentor=ContactFactory(owner=owner), mentee=None)

    add(2)
    few = count_queries(owner_client, reverse("interactions:mentorship_list"))
    add(15)
    assert count_queries(owner_client, reverse("interactions:mentorship_list")) == few


def test_mentorship_create_with_both_blank_shows_the_error(owner_client):
    response = owner_client.post(
        reverse("interactions:mentorship_create"),
        {
            "session_cadence_days": 14,
            "started_on": "2026-06-01",
        },
    )
    assert b"one of them is not you" in response.content and not Mentorship.objects.exists()


def test_mentorship_create_and_edit(owner_client, owner):
    mentee = ContactFactory(owner=owner)
    response = owner_client.post(
        reverse("interactions:mentorship_create"),
        {
            "mentee": mentee.pk,
            "session_cadence_days": 14,
            "started_on": "2026-06-01",
            "active": "on",
        },
    )
    mentorship = Mentorship.objects.get()
    assert response["Location"] == reverse("interactions:mentorship_detail", args=[mentorship.pk])
    owner_client.post(
        reverse("interactions:mentorship_edit", args=[mentorship.pk]),
        {
            "mentee": mentee.pk,
            "session_cadence_days": 30,
            "started_on": "2026-06-01",
        },
    )
    mentorship.refresh_from_db()
    assert mentorship.session_cadence_days == 30 and mentorship.active is False


# --- isolation and sign-in ---------------------------------------------------------------------


@pytest.fixture
def owned(owner):
    contact = ContactFactory(owner=owner)
    return {
        "contact": contact,
        "interaction": InteractionFactory(owner=owner, contacts=[contact]),
        "support": SupportFactory(owner=owner, contact=contact),
        "mentorship": MentorshipFactory(owner=owner, mentee=contact),
        "follow_up": FollowUpFactory(owner=owner, contact=contact),
    }


OBJECT_URLS = [
    ("interactions:detail", "interaction", {"get"}),
    ("interactions:edit", "interaction", {"get", "post"}),
    ("interactions:delete", "interaction", {"get", "post"}),
    ("interactions:support_detail", "support", {"get"}),
    ("interactions:support_edit", "support", {"get", "post"}),
    ("interactions:support_delete", "support", {"get", "post"}),
    ("interactions:support_mark_done", "support", {"post"}),
    ("interactions:mentorship_detail", "mentorship", {"get"}),
    ("interactions:mentorship_edit", "mentorship", {"get", "post"}),
    ("interactions:mentorship_delete", "mentorship", {"get", "post"}),
]


@pytest.mark.parametrize("name,key,methods", OBJECT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_stranger_gets_404_on_the_owners_object(stranger_client, owned, name, key, methods, method):
    response = getattr(stranger_client, method)(
        reverse(name, args=[owned[key].pk]), {"until": "week"}, HTTP_HX_REQUEST="true"
    )
    # A method the view does not take is refused (405) before anything is looked up.
    assert response.status_code == (404 if method in methods else 405)


@pytest.mark.parametrize("kind", ["congratulated", "shared_article", "thanked"])
def test_stranger_gets_404_on_quick_log_for_the_owners_contact(stranger_client, owned, kind):
    response = stranger_client.post(
        reverse("interactions:quick_log", args=[owned["contact"].pk, kind])
    )
    assert response.status_code == 404
    assert Interaction.objects.count() == 1


def test_stranger_posts_change_nothing(stranger_client, owned):
    stranger_client.post(reverse("interactions:delete", args=[owned["interaction"].pk]))
    stranger_client.post(reverse("interactions:support_mark_done", args=[owned["support"].pk]))
    stranger_client.post(reverse("dashboard_follow_up_done", args=[owned["follow_up"].pk]))
    assert Interaction.objects.filter(pk=owned["interaction"].pk).exists()
    assert Support.objects.get().status == SupportStatus.OFFERED
    assert FollowUp.objects.get(pk=owned["follow_up"].pk).status == FollowUpStatus.OPEN


def test_stranger_cannot_log_for_the_owners_contact(stranger_client, owned):
    response = stranger_client.post(reverse("interactions:create"), log_post([owned["contact"]]))
    assert response.status_code == 200 and Interaction.objects.count() == 1


ALL_URLS = [(n, (owned_key,)) for n, owned_key, _ in OBJECT_URLS] + [
    ("interactions:list", ()),
    ("interactions:create", ()),
    ("interactions:support_list", ()),
    ("interactions:support_create", ()),
    ("interactions:mentorship_list", ()),
    ("interactions:mentorship_create", ()),
    ("interactions:quick_log", ("contact", "thanked")),
]


@pytest.mark.parametrize("name,args", ALL_URLS)
def test_signed_out_request_redirects_to_login(client, owned, name, args):
    url_args = [owned[a].pk if a in owned else a for a in args]
    response = client.get(reverse(name, args=url_args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_interaction_list_pages_without_counting_every_interaction(owner_client, owner, settings):
    """Previous / Next and the page's number; a page past the end shows the last one."""
    ada = ContactFactory(owner=owner)
    InteractionFactory.create_batch(51, owner=owner, contacts=[ada])
    url = reverse("interactions:list")
    first = owner_client.get(url).content.decode()
    assert "Page 1<" in first and "Next →" in first and "of 2" not in first
    second = owner_client.get(url, {"page": 2}).content.decode()
    assert "Page 2<" in second and "← Previous" in second and "Next →" not in second
    assert second.count('class="badge accent"') == 1
    beyond = owner_client.get(url, {"page": 9}).content.decode()
    assert "Page 2 of 2" in beyond


def test_interaction_list_queries_do_not_grow_with_the_history(owner_client, owner):
    ada = ContactFactory(owner=owner)
    InteractionFactory.create_batch(3, owner=owner, contacts=[ada])
    url = reverse("interactions:list")
    few = count_building_queries(owner_client, owner, url, data={"q": "a"})
    InteractionFactory.create_batch(60, owner=owner, contacts=[ada])
    assert count_building_queries(owner_client, owner, url, data={"q": "a"}) == few


def test_interaction_list_broad_name_search_pages_newest_first(owner_client, owner, monkeypatch):
    """A name most contacts share is tested row by row as the page walks the history newest
    first: the page is the newest matches, page 2 the next, others' conversations left out."""
    monkeypatch.setattr("interactions.selectors.NAMED_CONTACTS_LOOKUP", 1)
    ada, alan = ContactFactory(owner=owner, name="Ada"), ContactFactory(owner=owner, name="Alan")
    bob = ContactFactory(owner=owner, name="Bob")
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    matching = []
    for day in range(55):
        at = start + datetime.timedelta(days=day)
        # "Lunch" has no "a": these match by their contact's name only.
        matching.append(InteractionFactory(
            owner=owner, contacts=[(ada, alan)[day % 2]], summary="Lunch", occurred_at=at,
        ))
        InteractionFactory(owner=owner, contacts=[bob], summary="Lunch", occurred_at=at)
    newest = [f'id="interaction-{i.pk}"' for i in reversed(matching)]
    first = owner_client.get(reverse("interactions:list"), {"q": "a"}).content.decode()
    second = owner_client.get(
        reverse("interactions:list"), {"q": "a", "page": 2}
    ).content.decode()
    assert [row for row in newest if row in first] == newest[:50]
    assert [row for row in newest if row in second] == newest[50:]
    assert first.count('class="badge accent"') == 50 and "Next →" in first
    assert second.count('class="badge accent"') == 5 and "Next →" not in second


def test_interaction_list_broad_search_queries_do_not_grow_with_the_history(
    owner_client, owner, monkeypatch,
):
    monkeypatch.setattr("interactions.selectors.NAMED_CONTACTS_LOOKUP", 1)
    ada, alan = ContactFactory(owner=owner, name="Ada"), ContactFactory(owner=owner, name="Alan")
    InteractionFactory.create_batch(3, owner=owner, contacts=[ada, alan], summary="Lunch")
    url = reverse("interactions:list")
    few = count_building_queries(owner_client, owner, url, data={"q": "a"})
    InteractionFactory.create_batch(60, owner=owner, contacts=[ada, alan], summary="Lunch")
    assert count_building_queries(owner_client, owner, url, data={"q": "a"}) == few


@pytest.mark.parametrize("q", ["bernetes", "lovelace", "zzqx", "zq", "ku"])
def test_interaction_list_narrow_search_queries_do_not_grow_with_the_history(
    owner_client, owner, q,
):
    """A word a few conversations hold, a person's name, a word none holds, two letters that
    start no word and two that do: the same queries with 3 matches among 3 conversations as
    with 63 among 123."""
    ada, bob = ContactFactory(owner=owner, name="Ada Lovelace"), ContactFactory(owner=owner)
    InteractionFactory.create_batch(3, owner=owner, contacts=[ada], summary="Kubernetes upgrade")
    url = reverse("interactions:list")
    few = count_building_queries(owner_client, owner, url, data={"q": q})
    InteractionFactory.create_batch(60, owner=owner, contacts=[ada], summary="Kubernetes upgrade")
    InteractionFactory.create_batch(60, owner=owner, contacts=[bob], summary="Lunch")
    assert count_building_queries(owner_client, owner, url, data={"q": q}) == few


def test_interaction_list_common_word_queries_do_not_grow_with_the_history(
    owner_client, owner, monkeypatch,
):
    """A word that fills the page among the newest interactions: read there, whatever lies
    beyond them."""
    monkeypatch.setattr("interactions.selectors.NEWEST_WINDOW", 60)
    bob = ContactFactory(owner=owner)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for day in range(60):
        InteractionFactory(
            owner=owner, contacts=[bob], summary="Kubernetes upgrade",
            occurred_at=start + datetime.timedelta(days=day),
        )
    url = reverse("interactions:list")
    few = count_building_queries(owner_client, owner, url, data={"q": "kubernetes"})
    InteractionFactory.create_batch(
        60, owner=owner, contacts=[bob], summary="Lunch", occurred_at=start,
    )
    body = owner_client.get(url, {"q": "kubernetes"}).content.decode()
    assert body.count('class="badge accent"') == 50 and "Next →" in body
    assert count_building_queries(owner_client, owner, url, data={"q": "kubernetes"}) == few


def test_interaction_list_says_when_a_search_finds_the_start_of_words(owner_client, owner):
    InteractionFactory(owner=owner, summary="AI reading group")
    InteractionFactory(owner=owner, summary="Sent an email")
    url = reverse("interactions:list")
    short = owner_client.get(url, {"q": "ai"}, **HTMX).content.decode()
    assert "AI reading group" in short and "Sent an email" not in short
    assert "type a third" in short
    assert "type a third" not in owner_client.get(url, {"q": "email"}).content.decode()


def test_interaction_list_keeps_its_results_until_a_write(owner_client, owner):
    ada = ContactFactory(owner=owner, name="Ada Lovelace")
    InteractionFactory(owner=owner, contacts=[ada], summary="Kubernetes upgrade")
    url = reverse("interactions:list") + "?q=kubernetes"
    built = count_building_queries(owner_client, owner, url)
    with CaptureQueriesContext(connection) as kept:
        owner_client.get(url)
    assert len(kept.captured_queries) < built
    owner_client.post(reverse("interactions:create"), log_post([ada], summary="Kubernetes docs"))
    assert "Kubernetes docs" in owner_client.get(url).content.decode()
    assert "Kubernetes docs" not in owner_client.get(url + "+upgrade").content.decode()


def test_interaction_list_text_search_pages_its_few_matches_newest_first(owner_client, owner):
    bob = ContactFactory(owner=owner)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    matching = []
    for day in range(53):
        at = start + datetime.timedelta(days=day)
        if day % 10 == 3:
            matching.append(InteractionFactory(
                owner=owner, contacts=[bob], summary="Lunch", notes="Their Kubernetes plans",
                occurred_at=at,
            ))
        InteractionFactory(owner=owner, contacts=[bob], summary="Lunch", occurred_at=at)
    body = owner_client.get(reverse("interactions:list"), {"q": "kubernetes"}).content.decode()
    shown = re.findall(r'id="interaction-(\d+)"', body)
    assert shown == [str(i.pk) for i in reversed(matching)]
    assert "Next →" not in body
