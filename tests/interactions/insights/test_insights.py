"""Insights selectors on hand-built networks whose answers are worked out in each test."""

import datetime
import hashlib
import math
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import services as contacts_services
from contacts.models import Circle, Contact, Discipline, Profile, Tier
from interactions import insights, services
from interactions.followups import refresh_contact_schedule
from interactions.models import Direction, Initiator, InteractionKind, SupportStatus
from network_crm import fragment_cache
from tests.factories import ContactFactory, InteractionFactory, SupportFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The user factories hash a password; PBKDF2 would cost most of each test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


def ago(days, base=NOW):
    return base - datetime.timedelta(days=days)


def stored(owner, contact):
    """Update what the contact row stores (last interaction, strength) the way logging through
    interactions.services does, at the tests' clock: the pages read those columns."""
    refresh_contact_schedule([contact.id], now=NOW)
    insights.recompute_strength(owner_id=owner.id, now=NOW, contact_ids=[contact.id])


def touch(
    owner, contact, days, kind=InteractionKind.COFFEE, initiated_by=Initiator.ME, *, store=True
):
    """An interaction `days` ago; with `store` off, only the history row (for the tests of the
    recomputation itself)."""
    interaction = InteractionFactory(
        owner=owner, contacts=[contact], occurred_at=ago(days), kind=kind, initiated_by=initiated_by
    )
    if store:
        stored(owner, contact)
    return interaction


def support(owner, contact, direction, **kwargs):
    kwargs.setdefault("status", SupportStatus.DONE)
    kwargs.setdefault("offered_on", TODAY - datetime.timedelta(days=5))
    given = SupportFactory(owner=owner, contact=contact, direction=direction, **kwargs)
    stored(owner, contact)
    return given


# --- Strength -------------------------------------------------------------------------------


def test_strength_sums_decayed_touches_and_gives_then_squashes(owner):
    contact = ContactFactory(owner=owner)
    touch(owner, contact, 10, InteractionKind.COFFEE)  # bucket 0–14 days, midpoint 7
    touch(owner, contact, 40, InteractionKind.MESSAGE)  # bucket 30–60, midpoint 45
    support(owner, contact, Direction.GIVE, offered_on=ago(120).date(), done_on=ago(100).date())
    raw = 1.0 * 0.5 ** (7 / 90) + 0.3 * 0.5 ** (45 / 90) + 1.5 * 0.5 ** (135 / 90)
    expected = round(100 * (1 - math.exp(-raw / 5)), 1)

    scores = insights.strength_scores(owner, NOW)

    assert expected == 28.7
    assert scores == {contact.id: expected}


def test_strength_counts_received_like_a_give(owner):
    contact = ContactFactory(owner=owner)
    support(owner, contact, Direction.RECEIVED, offered_on=TODAY, done_on=TODAY)

    score = insights.strength_scores(owner, NOW)[contact.id]

    assert score == round(100 * (1 - math.exp(-1.5 * 0.5 ** (7 / 90) / 5)), 1)


def test_strength_ignores_asks_declined_gives_and_touches_older_than_two_years(owner):
    contact = ContactFactory(owner=owner)
    support(owner, contact, Direction.ASK)
    support(owner, contact, Direction.GIVE, status=SupportStatus.DECLINED)
    touch(owner, contact, 731)

    assert insights.strength_scores(owner, NOW) == {}


def test_strength_of_a_group_interaction_counts_for_each_contact(owner):
    a, b = ContactFactory(owner=owner), ContactFactory(owner=owner)
    InteractionFactory(owner=owner, contacts=[a, b], occurred_at=ago(1), kind=InteractionKind.CALL)

    scores = insights.strength_scores(owner, NOW)

    assert scores[a.id] == scores[b.id] == round(100 * (1 - math.exp(-0.8 * 0.5 ** (7 / 90) / 5)), 1)


def test_strength_scores_never_include_another_users_contacts(owner, stranger):
    theirs = ContactFactory(owner=stranger)
    touch(stranger, theirs, 1)

    assert insights.strength_scores(owner, NOW) == {}


def test_recompute_strength_stores_scores_and_zeroes_contacts_gone_quiet(owner, stranger):
    active = ContactFactory(owner=owner)
    quiet = ContactFactory(owner=owner, strength=42)
    other = ContactFactory(owner=stranger, strength=42)
    touch(owner, active, 10, store=False)

    changed = insights.recompute_strength(owner_id=owner.id, now=NOW, batch_size=1)

    assert changed == 2
    assert Contact.objects.get(id=active.id).strength == 17.3
    assert Contact.objects.get(id=quiet.id).strength == 0
    assert Contact.objects.get(id=other.id).strength == 42


def test_recompute_strength_for_some_contacts_leaves_the_others(owner):
    logged = ContactFactory(owner=owner)
    untouched = ContactFactory(owner=owner, strength=42)
    touch(owner, logged, 10, store=False)
    touch(owner, untouched, 10, store=False)

    insights.recompute_strength(owner_id=owner.id, now=NOW, contact_ids=[logged.id])

    assert Contact.objects.get(id=logged.id).strength == 17.3
    assert Contact.objects.get(id=untouched.id).strength == 42


def test_recompute_strength_for_every_owner_updates_all(owner, stranger):
    other = ContactFactory(owner=stranger)
    touch(stranger, other, 10, store=False)

    insights.recompute_strength(now=NOW)

    assert Contact.objects.get(id=other.id).strength == 17.3


# --- Balance --------------------------------------------------------------------------------


def test_balance_counts_each_direction_without_declined_and_ranks_owed_first(owner):
    taker = ContactFactory(owner=owner, name="Taker")
    giver = ContactFactory(owner=owner, name="Giver")
    even = ContactFactory(owner=owner, name="Even")
    support(owner, taker, Direction.RECEIVED)
    support(owner, taker, Direction.RECEIVED)
    support(owner, taker, Direction.ASK)
    support(owner, giver, Direction.GIVE)
    support(owner, giver, Direction.GIVE)
    support(owner, giver, Direction.RECEIVED)
    support(owner, even, Direction.GIVE)
    support(owner, even, Direction.ASK)
    support(owner, even, Direction.ASK, status=SupportStatus.DECLINED)

    result = insights.balance(owner)

    assert (result.gives, result.received, result.asks, result.net) == (3, 3, 2, -2)
    assert [(r.contact.name, r.net) for r in result.rows] == [("Taker", -3), ("Even", 0), ("Giver", 1)]
    assert [r.contact.name for r in result.give_before_you_ask] == ["Taker"]


def test_balance_ignores_another_users_support(owner, stranger):
    support(stranger, ContactFactory(owner=stranger), Direction.ASK)

    result = insights.balance(owner)

    assert (result.gives, result.received, result.asks, result.rows) == (0, 0, 0, [])


# --- Diversity ------------------------------------------------------------------------------


@pytest.fixture
def profile(owner):
    profile, _ = Profile.objects.get_or_create(owner=owner)
    profile.own_discipline = Discipline.ENGINEERING
    profile.own_company = "Acme"
    profile.own_team = "Platform"
    profile.save()
    return profile


def test_diversity_nudges_toward_the_missing_discipline(owner, profile):
    # 21 engineers of 25 = 84%; product, data and leadership present; no one in design.
    ContactFactory.create_batch(21, owner=owner, discipline=Discipline.ENGINEERING, company="Initech")
    ContactFactory.create_batch(2, owner=owner, discipline=Discipline.PRODUCT, company="Initech")
    ContactFactory(owner=owner, discipline=Discipline.DATA, company="Initech")
    ContactFactory(owner=owner, discipline=Discipline.LEADERSHIP, company="Initech")

    result = insights.diversity(owner, profile)

    assert result.total == 25
    assert result.same_discipline_percent == 84
    assert result.missing_disciplines == ["Design"]
    assert result.nudges[0] == "84% of your network are engineers; you have no one in design."


def test_diversity_without_gaps_points_at_the_thinnest_discipline(owner, profile):
    # 4 engineers, 3 in product, 2 in design, 1 each in data and leadership: nothing missing,
    # data is the thinnest (1 of 11 = 9%, ahead of leadership in the nudge's order).
    for discipline, count in [
        (Discipline.ENGINEERING, 4), (Discipline.PRODUCT, 3), (Discipline.DESIGN, 2),
        (Discipline.DATA, 1), (Discipline.LEADERSHIP, 1),
    ]:
        ContactFactory.create_batch(count, owner=owner, discipline=discipline, company="Initech")

    result = insights.diversity(owner, profile)

    assert result.missing_disciplines == []
    assert "Only 9% of your network are data people (1); meet one more this month." in result.nudges


def test_diversity_compares_with_own_company_and_team(owner, profile):
    # 10 contacts: 6 at "ACME" (any case) → 60%; 2 in the same team circle + 1 in the
    # "platform" department → 30%; 4 other companies.
    ContactFactory.create_batch(2, owner=owner, company="Acme", circle=Circle.SAME_TEAM)
    ContactFactory(owner=owner, company="acme", circle=Circle.SAME_COMPANY, department="platform")
    ContactFactory.create_batch(3, owner=owner, company="ACME", circle=Circle.SAME_COMPANY)
    for name in ["Globex", "Hooli", "Umbrella", "Stark"]:
        ContactFactory(owner=owner, company=name, circle=Circle.INDUSTRY_PEER)

    result = insights.diversity(owner, profile)

    assert result.same_company_percent == 60
    assert result.same_team_percent == 30
    assert result.company_count == 7  # distinct spellings: Acme, acme, ACME + 4
    assert "60% of your network work at Acme" in " ".join(result.nudges)
    assert [(s.key, s.count, s.percent) for s in result.circles] == [
        (Circle.SAME_TEAM, 2, 20),
        (Circle.SAME_COMPANY, 4, 40),
        (Circle.INDUSTRY_PEER, 4, 40),
        (Circle.COMMUNITY, 0, 0),
        (Circle.OUTSIDE_TECH, 0, 0),
    ]
    assert result.missing_circles == ["Community", "Outside tech"]


def test_diversity_averages_the_strength_of_active_contacts(owner, profile):
    ContactFactory(owner=owner, strength=80, discipline=Discipline.DESIGN, circle="")
    ContactFactory(owner=owner, strength=35, discipline="", circle=Circle.COMMUNITY)
    ContactFactory(owner=owner, strength=100, archived=True)

    result = insights.diversity(owner, profile)

    assert result.average_strength == 57.5
    assert (result.discipline_unset, result.circle_unset) == (1, 1)


def test_diversity_leaves_out_archived_contacts(owner, profile):
    ContactFactory(owner=owner, discipline=Discipline.DESIGN, archived=True)
    ContactFactory(owner=owner, discipline=Discipline.PRODUCT)

    result = insights.diversity(owner, profile)

    assert result.total == 1
    assert "Design" in result.missing_disciplines


def test_diversity_of_an_empty_network_asks_for_contacts(owner, profile):
    result = insights.diversity(owner, profile)

    assert result.total == 0
    assert result.nudges == ["Add a few contacts to see the mix of your network."]


# --- Dormant ties ---------------------------------------------------------------------------


def test_dormant_ties_are_once_frequent_contacts_quiet_for_180_days_most_history_first(owner):
    deep = ContactFactory(owner=owner, name="Deep")
    for days in (200, 260, 320, 400):
        touch(owner, deep, days)
    shallow = ContactFactory(owner=owner, name="Shallow")
    for days in (190, 250, 300):
        touch(owner, shallow, days)
    recent = ContactFactory(owner=owner, name="Recent")
    for days in (10, 300, 310, 320):
        touch(owner, recent, days)
    few = ContactFactory(owner=owner, name="Few")
    for days in (300, 310):
        touch(owner, few, days)
    archived = ContactFactory(owner=owner, name="Archived", archived=True)
    for days in (200, 210, 220, 230, 240):
        touch(owner, archived, days)

    ties = insights.dormant_ties(owner, NOW)

    assert [(t.contact.name, t.touches, t.days_quiet) for t in ties] == [
        ("Deep", 4, 200),
        ("Shallow", 3, 190),
    ]


def test_revived_ties_are_recent_conversations_after_180_quiet_days(owner):
    revived = ContactFactory(owner=owner, name="Revived")
    for days in (30, 10, 250):  # first recent touch 30 days ago, 220 days after the one before
        touch(owner, revived, days)
    steady = ContactFactory(owner=owner, name="Steady")
    for days in (20, 100, 170):  # a 70-day gap only
        touch(owner, steady, days)
    new = ContactFactory(owner=owner, name="New")
    touch(owner, new, 5)  # nothing before: met, not revived
    ContactFactory(owner=owner, name="Quiet")

    ties = insights.revived_ties(owner, NOW)

    assert [(t.contact.name, t.gap_days) for t in ties] == [("Revived", 220)]


def test_revived_ties_are_the_longest_gaps_up_to_the_limit(owner):
    for name, first_touch in (("Two years", 730), ("One year", 365), ("Seven months", 210)):
        contact = ContactFactory(owner=owner, name=name)
        for days in (10, first_touch):
            touch(owner, contact, days)

    ties = insights.revived_ties(owner, NOW, limit=2)

    assert [(t.contact.name, t.gap_days) for t in ties] == [("Two years", 720), ("One year", 355)]


def test_the_ties_follow_the_stored_history_when_a_conversation_goes(owner):
    contact = ContactFactory(owner=owner, name="Back again")
    old = [touch(owner, contact, days) for days in (400, 390, 380)]
    revival = touch(owner, contact, 20)
    assert [t.contact.name for t in insights.revived_ties(owner, NOW)] == ["Back again"]
    assert insights.dormant_ties(owner, NOW) == []

    revival.delete()
    stored(owner, contact)

    assert insights.revived_ties(owner, NOW) == []
    assert [(t.contact.name, t.touches) for t in insights.dormant_ties(owner, NOW)] == [
        ("Back again", len(old))
    ]


def test_a_revival_older_than_the_window_is_not_shown(owner):
    contact = ContactFactory(owner=owner, name="Revived long ago")
    for days in (600, 200, 150, 5):  # revived 200 days ago, steady since
        touch(owner, contact, days)
    contact.refresh_from_db()
    assert contact.revived_at == ago(200) and contact.quiet_since == ago(600)
    assert insights.revived_ties(owner, NOW) == []


# --- Rhythm ---------------------------------------------------------------------------------


def test_rhythm_counts_touches_per_week_and_the_streak(owner):
    contact = ContactFactory(owner=owner)
    touch(owner, contact, 1)  # Tue 24 Nov, this week
    touch(owner, contact, 2, initiated_by=Initiator.THEM)  # Mon 23 Nov, this week
    touch(owner, contact, 5)  # Fri 20 Nov, last week
    touch(owner, contact, 12)  # Fri 13 Nov
    touch(owner, contact, 26)  # Fri 30 Oct, after a gap week: the streak stops before it
    touch(owner, contact, 400)  # outside the 52 weeks

    result = insights.rhythm(owner, TODAY, UTC)

    assert len(result.weeks) == 52
    assert result.weeks[-1].start == datetime.date(2026, 11, 23)
    assert [b.count for b in result.weeks[-5:]] == [1, 0, 1, 1, 2]
    assert result.touches_last_year == 5
    assert result.streak_weeks == 3


def test_rhythm_streak_survives_a_current_week_without_touches_yet(owner):
    contact = ContactFactory(owner=owner)
    touch(owner, contact, 5)  # last week
    touch(owner, contact, 2, initiated_by=Initiator.THEM)  # this week, not reaching out

    assert insights.rhythm(owner, TODAY, UTC).streak_weeks == 1


def test_rhythm_weeks_follow_the_users_time_zone(owner):
    contact = ContactFactory(owner=owner)
    # Sunday 22 Nov 23:30 UTC is already Monday 23 Nov in Berlin: this week there.
    InteractionFactory(
        owner=owner, contacts=[contact], occurred_at=datetime.datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    )

    berlin = insights.rhythm(owner, TODAY, zoneinfo.ZoneInfo("Europe/Berlin"))
    utc = insights.rhythm(owner, TODAY, UTC)

    assert (berlin.weeks[-1].count, utc.weeks[-1].count) == (1, 0)


def test_rhythm_counts_gives_per_month_by_the_day_they_were_done(owner):
    contact = ContactFactory(owner=owner)
    support(owner, contact, Direction.GIVE, offered_on=datetime.date(2026, 10, 28), done_on=datetime.date(2026, 11, 2))
    support(owner, contact, Direction.GIVE, status=SupportStatus.OFFERED, offered_on=datetime.date(2026, 11, 10))
    support(owner, contact, Direction.GIVE, offered_on=datetime.date(2026, 9, 3), done_on=datetime.date(2026, 9, 4))
    support(owner, contact, Direction.GIVE, status=SupportStatus.DECLINED, offered_on=datetime.date(2026, 11, 3))
    support(owner, contact, Direction.RECEIVED, offered_on=datetime.date(2026, 11, 3))

    result = insights.rhythm(owner, TODAY, UTC)

    assert result.months[-1].start == datetime.date(2026, 11, 1)
    assert result.months[0].start == datetime.date(2025, 12, 1)
    assert [b.count for b in result.months[-3:]] == [1, 0, 2]
    assert result.gives_last_year == 3


def test_rhythm_promises_kept_counts_settled_promises_only(owner):
    contact = ContactFactory(owner=owner)
    offered = datetime.date(2026, 11, 1)
    due = datetime.date(2026, 11, 10)
    # Kept: done the day before it was due.
    support(owner, contact, Direction.GIVE, offered_on=offered, due_on=due, done_on=datetime.date(2026, 11, 9))
    # Late: done two days after.
    support(owner, contact, Direction.GIVE, offered_on=offered, due_on=due, done_on=datetime.date(2026, 11, 12))
    # Broken: still open after its due date.
    support(owner, contact, Direction.GIVE, status=SupportStatus.OFFERED, offered_on=offered, due_on=due)
    # Not settled yet: open and due next week.
    support(owner, contact, Direction.GIVE, status=SupportStatus.OFFERED, offered_on=offered,
            due_on=datetime.date(2026, 12, 2))

    result = insights.rhythm(owner, TODAY, UTC)

    assert (result.promises_kept, result.promises_due, result.promises_kept_percent) == (1, 3, 33)


def test_rhythm_without_promises_has_no_percentage(owner):
    assert insights.rhythm(owner, TODAY, UTC).promises_kept_percent is None


# --- One person this week -------------------------------------------------------------------


@pytest.fixture
def engineer(owner):
    """The owner is an engineer in UTC with default cadences (peer tier: 30 days)."""
    profile, _ = Profile.objects.get_or_create(owner=owner)
    profile.own_discipline = Discipline.ENGINEERING
    profile.time_zone = "UTC"
    profile.save()
    return owner


def peer(owner, name, **kwargs):
    kwargs.setdefault("circle", Circle.INDUSTRY_PEER)
    kwargs.setdefault("discipline", Discipline.ENGINEERING)
    return ContactFactory(owner=owner, name=name, tier=Tier.PEER, **kwargs)


def test_one_person_is_none_without_contacts(engineer):
    assert insights.one_person_this_week(engineer, TODAY) is None


def test_one_person_prefers_the_most_overdue(engineer):
    # Cadence 30. A: 60 days → overdue 2/3, strength 10.6; B: 100 days → overdue 1 (capped at
    # 3×), strength 6.8. Scores: A 0.4×0.667 + 0.2×0.106 = 0.288, B 0.4 + 0.2×0.068 = 0.414.
    a = peer(engineer, "A")
    b = peer(engineer, "B")
    touch(engineer, a, 60)
    touch(engineer, b, 100)

    suggestion = insights.one_person_this_week(engineer, TODAY)

    assert suggestion.contact == b
    assert suggestion.score == pytest.approx(0.4 + 0.2 * 0.068, abs=1e-3)
    assert suggestion.reason.startswith("last talked 100 days ago, cadence 30")


def test_one_person_prefers_someone_you_owe_a_give(engineer):
    # Both 45 days quiet; the one who gave twice and was asked once (owed 3) wins on balance.
    even = peer(engineer, "Even")
    owed = peer(engineer, "Owed")
    touch(engineer, even, 45)
    touch(engineer, owed, 45)
    for direction in (Direction.RECEIVED, Direction.RECEIVED, Direction.ASK):
        support(engineer, owed, direction, offered_on=ago(300).date(), done_on=ago(300).date())

    suggestion = insights.one_person_this_week(engineer, TODAY)

    assert suggestion.contact == owed
    assert suggestion.parts["balance"] == 1.0
    assert "you owe them a give (2 received and 1 asked, 0 given)" in suggestion.reason
    assert suggestion.suggested_give.startswith("return the favour: ")


def test_one_person_prefers_someone_outside_the_usual_circle(engineer):
    # Three engineering industry peers make that the usual circle; the designer in a community
    # circle scores 0.15 more on diversity, all else equal.
    for name in ("P1", "P2"):
        touch(engineer, peer(engineer, name), 45)
    usual = peer(engineer, "Usual")
    designer = peer(engineer, "Designer", discipline=Discipline.DESIGN, circle=Circle.COMMUNITY)
    touch(engineer, usual, 45)
    touch(engineer, designer, 45)

    suggestion = insights.one_person_this_week(engineer, TODAY)

    assert suggestion.contact == designer
    assert suggestion.parts["diversity"] == 1.0
    assert "outside your usual circle (design, community)" in suggestion.reason
    assert (suggestion.give_kind, suggestion.suggested_give) == insights.GIVE_BY_DISCIPLINE[Discipline.DESIGN]


def test_one_person_skips_recent_archived_and_muted_contacts(engineer):
    touch(engineer, peer(engineer, "Recent"), 3)
    touch(engineer, peer(engineer, "Archived", archived=True), 200)
    touch(engineer, peer(engineer, "Muted", reminders_off=True), 200)
    fine = peer(engineer, "Fine")
    touch(engineer, fine, 8)

    assert insights.one_person_this_week(engineer, TODAY).contact == fine


def test_one_person_breaks_ties_by_a_hash_of_the_day_and_contact(engineer):
    first = peer(engineer, "Twin 1")
    second = peer(engineer, "Twin 2")

    def expected(day):
        return max((first, second), key=lambda c: hashlib.sha256(f"{day.isoformat()}:{c.id}".encode()).hexdigest())

    picks = {}
    for offset in range(20):
        day = TODAY + datetime.timedelta(days=offset)
        picks[day] = insights.one_person_this_week(engineer, day).contact
        assert picks[day] == expected(day)
        assert insights.one_person_this_week(engineer, day).contact == picks[day]
    assert {c.id for c in picks.values()} == {first.id, second.id}


def test_one_person_suggests_a_give_from_what_they_are_working_on(engineer):
    contact = peer(engineer, "Busy", working_on="a migration to Kubernetes")

    suggestion = insights.one_person_this_week(engineer, TODAY)

    assert suggestion.contact == contact
    assert suggestion.reason.startswith("you have not logged a conversation with them yet")
    assert suggestion.suggested_give == (
        "share something that helps with what they are working on: a migration to Kubernetes"
    )


def test_one_person_never_suggests_another_users_contact(engineer):
    stranger = UserFactory(username="someone-else")
    ContactFactory(owner=stranger)

    assert insights.one_person_this_week(engineer, TODAY) is None


# --- Query counts ---------------------------------------------------------------------------


def busy_history(owner, contacts):
    """`contacts` contacts, each with touches over the 60 weeks before the last one and one of
    each support, their stored columns up to date."""
    for i in range(contacts):
        contact = ContactFactory(owner=owner)
        for week in range(1, 60, 1 + i % 3):
            touch(owner, contact, 7 * week + 1, store=False)
        for direction in (Direction.GIVE, Direction.RECEIVED, Direction.ASK):
            support(owner, contact, direction, due_on=TODAY + datetime.timedelta(days=3))
        stored(owner, contact)


@pytest.mark.parametrize(
    ("selector", "queries"),
    [
        (lambda owner, profile: insights.strongest_ties(owner), 1),
        (lambda owner, profile: insights.balance(owner, limit=10), 3),
        (lambda owner, profile: insights.diversity(owner, profile), 2),
        (lambda owner, profile: insights.dormant_ties(owner, NOW), 1),
        (lambda owner, profile: insights.revived_ties(owner, NOW), 1),
        (lambda owner, profile: insights.one_person_this_week(owner, TODAY, profile=profile), 3),
    ],
    ids=["strongest", "balance", "diversity", "dormant", "revived", "one person"],
)
def test_selector_queries_do_not_grow_with_history(
    owner, profile, django_assert_num_queries, selector, queries
):
    busy_history(owner, 2)
    with django_assert_num_queries(queries):
        selector(owner, profile)
    busy_history(owner, 12)

    with django_assert_num_queries(queries):
        selector(owner, profile)


def test_the_mix_is_kept_across_a_conversation_and_counted_again_when_a_contact_changes(
    owner, profile, django_assert_num_queries
):
    design = ContactFactory(
        owner=owner, discipline=Discipline.DESIGN, company="Acme", strength=40
    )
    ContactFactory(owner=owner, discipline=Discipline.ENGINEERING, company="Initech", strength=20)
    first = insights.diversity(owner, profile)
    assert first.average_strength == 30.0
    # A conversation moves its contacts' strength (with .update()) and forgets the cards, not
    # the contacts generation.
    Contact.objects.filter(pk=design.pk).update(strength=80)
    fragment_cache.invalidate(owner.pk, contacts=False)
    with django_assert_num_queries(1):  # the average strength alone
        kept = insights.diversity(owner, profile)
    assert kept.disciplines == first.disciplines and kept.companies == first.companies
    assert kept.average_strength == 50.0
    # A write to the contacts themselves counts the mix again: a bulk action (.update())…
    contacts_services.bulk_update_contacts(owner, [design], "discipline", value=Discipline.DATA)
    with django_assert_num_queries(2):
        moved = insights.diversity(owner, profile)
    assert {share.key: share.count for share in moved.disciplines}[Discipline.DATA] == 1
    # …a new contact (post_save), and the user's own place, which is part of the key.
    ContactFactory(owner=owner, company="Acme")
    assert insights.diversity(owner, profile).companies[0].count == 2
    profile.own_company = "Acme"
    assert insights.diversity(owner, profile).same_company_percent == 67


def test_rhythm_runs_two_queries_with_a_streak_shorter_than_the_chart(
    owner, django_assert_num_queries
):
    contact = ContactFactory(owner=owner)
    for week in range(0, 60, 2):  # every other week: a streak of one at most
        touch(owner, contact, 7 * week + 1, store=False)
    support(owner, contact, Direction.GIVE, due_on=TODAY)

    with django_assert_num_queries(2):
        result = insights.rhythm(owner, TODAY, UTC)

    assert result.streak_weeks == 1
    assert result.touches_last_year == 26


def test_rhythm_streak_longer_than_the_chart_reads_one_more_year_of_weeks(
    owner, django_assert_num_queries
):
    contact = ContactFactory(owner=owner)
    for week in range(60):  # 60 weeks in a row, this one included, then nothing
        touch(owner, contact, 7 * week + 1, store=False)

    with django_assert_num_queries(3):
        result = insights.rhythm(owner, TODAY, UTC)

    assert result.streak_weeks == 60
    assert [b.count for b in result.weeks] == [1] * 52


def test_rhythm_keeps_the_older_years_of_a_streak_until_one_of_their_weeks_changes(
    owner, django_assert_num_queries
):
    contact = ContactFactory(owner=owner)
    touches = [touch(owner, contact, 7 * week + 1, store=False) for week in range(60)]
    assert insights.rhythm(owner, TODAY, UTC).streak_weeks == 60

    with django_assert_num_queries(2):  # the year before the chart from the cache
        assert insights.rhythm(owner, TODAY, UTC).streak_weeks == 60

    services.delete_interaction(touches[55])  # a week before the chart's year
    assert insights.rhythm(owner, TODAY, UTC).streak_weeks == 55


def test_rhythm_keeps_the_weeks_before_last_week_until_one_of_them_changes(owner):
    """Logging today counts again only this week and last; a conversation dated in an older
    week, an edit or a delete counts the year again."""
    contact = ContactFactory(owner=owner)
    today = timezone.localdate()
    old = touch(owner, contact, 30, store=False)  # ago() is from NOW: dated by the real clock
    old.occurred_at = timezone.now() - datetime.timedelta(days=30)
    old.save()

    def weeks():
        return sum(b.count for b in insights.rhythm(owner, today, UTC).weeks)

    assert weeks() == 1
    services.log_interaction(owner, {
        "contacts": [contact], "kind": "call", "occurred_at": timezone.now(),
    })
    with CaptureQueriesContext(connection) as queries:
        assert weeks() == 2
    weeks_probed = sum(q["sql"].count("EXISTS(") for q in queries.captured_queries)
    assert weeks_probed == 2  # this week and last, not 52

    services.log_interaction(owner, {
        "contacts": [contact], "kind": "call",
        "occurred_at": timezone.now() - datetime.timedelta(days=60),
    })
    assert weeks() == 3
    services.delete_interaction(old)
    assert weeks() == 2
