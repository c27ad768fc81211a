"""Log, support, mentorship and snooze forms: validation messages and owner-scoped choices."""

import datetime

import pytest

from interactions.forms import LogForm, MentorshipForm, SnoozeForm, SupportForm, add_month
from interactions.models import SupportKind
from tests.factories import ContactFactory, EventFactory

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users are created per test; the production hasher costs about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_data(contacts, **overrides):
    data = {
        "contacts": [c.pk for c in contacts],
        "kind": "coffee",
        "occurred_on": "2026-06-15",
        "initiated_by": "me",
    }
    data.update(overrides)
    return data


def test_log_form_defaults_the_date_to_the_users_today(owner):
    form = LogForm(owner=owner, today=TODAY)
    assert form["occurred_on"].value() == TODAY


def test_log_form_needs_at_least_one_contact(owner):
    form = LogForm(log_data([], summary="Lunch"), owner=owner, today=TODAY)
    assert not form.is_valid()
    assert form.errors["contacts"] == ["Pick at least one contact."]


def test_log_form_rejects_a_strangers_contact(owner, stranger):
    form = LogForm(log_data([ContactFactory(owner=stranger)]), owner=owner, today=TODAY)
    assert not form.is_valid()
    assert "contacts" in form.errors


def test_log_form_rejects_a_strangers_event(owner, stranger):
    form = LogForm(
        log_data([ContactFactory(owner=owner)], event=EventFactory(owner=stranger).pk),
        owner=owner,
        today=TODAY,
    )
    assert not form.is_valid()
    assert "event" in form.errors


def test_log_form_rejects_a_date_in_the_future(owner):
    form = LogForm(
        log_data([ContactFactory(owner=owner)], occurred_on="2026-07-01"), owner=owner, today=TODAY
    )
    assert not form.is_valid()
    assert "occurred_on" in form.errors


def test_log_form_give_without_a_kind_is_an_error(owner):
    form = LogForm(
        log_data([ContactFactory(owner=owner)], give_description="Send the deck"),
        owner=owner,
        today=TODAY,
    )
    assert not form.is_valid()
    assert form.errors["give_kind"] == ["Pick what kind of give this is."]


def test_log_form_give_due_before_the_conversation_is_an_error(owner):
    form = LogForm(
        log_data([ContactFactory(owner=owner)], give_kind="help", give_due_on="2026-06-01"),
        owner=owner,
        today=TODAY,
    )
    assert not form.is_valid()
    assert "give_due_on" in form.errors


def test_log_form_does_not_offer_an_intro_give(owner):
    form = LogForm(owner=owner, today=TODAY)
    assert SupportKind.INTRO not in dict(form.fields["give_kind"].choices)


def support_data(contact, **overrides):
    data = {
        "direction": "give",
        "contact": contact.pk,
        "kind": "help",
        "status": "offered",
        "offered_on": "2026-06-15",
        "description": "Review the design doc",
    }
    data.update(overrides)
    return data


def test_intro_needs_a_second_person(owner):
    form = SupportForm(support_data(ContactFactory(owner=owner), kind="intro"), owner=owner)
    assert not form.is_valid()
    assert "second person" in form.errors["intro_to"][0]


def test_intro_to_the_same_person_is_an_error(owner):
    contact = ContactFactory(owner=owner)
    form = SupportForm(support_data(contact, kind="intro", intro_to=contact.pk), owner=owner)
    assert not form.is_valid()
    assert form.errors["intro_to"] == ["An intro is between two different people."]


def test_intro_between_two_contacts_is_valid(owner):
    form = SupportForm(
        support_data(
            ContactFactory(owner=owner), kind="intro", intro_to=ContactFactory(owner=owner).pk
        ),
        owner=owner,
    )
    assert form.is_valid(), form.errors


def test_support_rejects_a_strangers_contact(owner, stranger):
    form = SupportForm(support_data(ContactFactory(owner=stranger)), owner=owner)
    assert not form.is_valid()
    assert "contact" in form.errors


def test_support_due_before_offered_is_an_error(owner):
    form = SupportForm(support_data(ContactFactory(owner=owner), due_on="2026-06-01"), owner=owner)
    assert not form.is_valid()
    assert "due_on" in form.errors


def test_mentorship_with_both_sides_blank_is_an_error(owner):
    form = MentorshipForm(
        {"session_cadence_days": 14, "started_on": "2026-06-01", "active": "on"}, owner=owner
    )
    assert not form.is_valid()
    assert "one of them is not you" in form.errors["mentee"][0]
    assert not form.non_field_errors()


def test_mentorship_with_one_side_blank_means_me(owner):
    mentee = ContactFactory(owner=owner)
    form = MentorshipForm(
        {"mentee": mentee.pk, "session_cadence_days": 14, "started_on": "2026-06-01"}, owner=owner
    )
    assert form.is_valid(), form.errors


def test_mentorship_same_person_both_sides_is_an_error(owner):
    person = ContactFactory(owner=owner)
    form = MentorshipForm(
        {
            "mentor": person.pk,
            "mentee": person.pk,
            "session_cadence_days": 14,
            "started_on": "2026-06-01",
        },
        owner=owner,
    )
    assert not form.is_valid()
    assert "two different people" in form.errors["mentee"][0]


def test_mentorship_rejects_a_strangers_contact(owner, stranger):
    form = MentorshipForm(
        {
            "mentor": ContactFactory(owner=stranger).pk,
            "session_cadence_days": 14,
            "started_on": "2026-06-01",
        },
        owner=owner,
    )
    assert not form.is_valid()
    assert "mentor" in form.errors


@pytest.mark.parametrize(
    "until,expected",
    [
        ("tomorrow", datetime.date(2026, 6, 16)),
        ("week", datetime.date(2026, 6, 22)),
        ("month", datetime.date(2026, 7, 15)),
        ("2026-08-01", datetime.date(2026, 8, 1)),
    ],
)
def test_snooze_until_understands_words_and_dates(until, expected):
    form = SnoozeForm({"until": until}, today=TODAY)
    assert form.is_valid() and form.cleaned_data["until"] == expected


def test_snooze_into_the_past_is_an_error():
    assert not SnoozeForm({"until": "2026-06-15"}, today=TODAY).is_valid()


def test_a_month_after_january_31_is_the_end_of_february():
    assert add_month(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
