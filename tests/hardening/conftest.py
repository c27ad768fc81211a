"""Fixtures for the hardening tests: hostile text in every text field of every model, the
pages that show it, and the browser fixtures of tests/browser (one chromium per session)."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import ContactLink, ContactPhone, LinkKind, Profile
from interactions.models import Direction, FollowUpReason, SupportKind, SupportStatus
from tests.browser.conftest import (  # noqa: F401  (fixtures, registered by being imported)
    browser_errors,
    chromium,
    live_server,
    owner_page,
)
from tests.factories import (
    ContactEmailFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MentorshipFactory,
    ProfileFactory,
    SupportFactory,
    TagFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Each payload sets window.__xss if the browser ever runs it; the marker finds it in pages.
SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror="window.__xss=1">'
SVG = "'><svg onload=window.__xss=1>"
TEMPLATE = "{{7*7}}{% now 'Y' %}"
MARKER = "XSSMARK"
PAYLOAD = f"{MARKER} {SCRIPT} {IMG} {SVG} {TEMPLATE}"
# For columns of 30 to 50 characters.
SHORT = "X<svg onload=window.__xss=1>"
BAD_URL = "javascript:alert(1)"


def hostile(field: str) -> str:
    """The payload, labelled with the field it sits in (so a failure names the field)."""
    return f"{field}: {PAYLOAD}"


def build_hostile_world(owner, *, urls=("https://example.com/in/x", "https://example.com/")):
    """One of everything the owner can write, every text field holding a payload; returns the
    rows by name. Made through factories (not forms) so nothing is cleaned on the way in."""
    today = timezone.localdate()
    profile = ProfileFactory(owner=owner)
    Profile.objects.filter(pk=profile.pk).update(
        own_company=hostile("own_company"), own_team=hostile("own_team")
    )
    event = EventFactory(
        owner=owner,
        name=hostile("event.name"),
        place=hostile("event.place"),
        goals=hostile("event.goals"),
        notes=hostile("event.notes"),
        starts_on=today + timedelta(days=3),
    )
    linkedin, website = urls
    contact = ContactFactory(
        owner=owner,
        name=hostile("name")[:200],
        preferred_name=f"P {PAYLOAD}"[:100],
        company=hostile("company"),
        title=hostile("title"),
        department=hostile("department"),
        location=hostile("location"),
        how_we_met=hostile("how_we_met"),
        working_on=hostile("working_on"),
        why_it_matters=hostile("why_it_matters"),
        notes=hostile("notes"),
        linkedin_url=linkedin,
        website=website,
        met_at=event,
    )
    other = ContactFactory(owner=owner, name=hostile("other.name"), company=hostile("other.co"))
    tag = TagFactory(owner=owner, name=SHORT)
    contact.tags.add(tag)
    other.tags.add(tag)
    ContactEmailFactory(contact=contact, email="hostile@example.org", label=SHORT)
    ContactPhone.objects.create(contact=contact, number="+1 555 0100", label=SHORT)
    event.people_met.add(contact, other)
    link = ContactLink.objects.create(
        owner=owner,
        from_contact=contact,
        to_contact=other,
        kind=LinkKind.COLLEAGUES,
        notes=hostile("link.notes"),
    )
    interaction = InteractionFactory(
        owner=owner,
        contacts=[contact, other],
        summary=hostile("summary")[:200],
        notes=hostile("interaction.notes"),
        working_on=hostile("interaction.working_on"),
        why_it_matters=hostile("interaction.why_it_matters"),
        event=event,
        follow_up_on=today,
        follow_up_note=hostile("follow_up_note"),
        occurred_at=timezone.now() - timedelta(days=1),
    )
    give = SupportFactory(
        owner=owner,
        contact=contact,
        direction=Direction.GIVE,
        status=SupportStatus.OFFERED,
        description=hostile("give.description"),
        notes=hostile("give.notes"),
        interaction=interaction,
        offered_on=today - timedelta(days=2),
        due_on=today + timedelta(days=1),
    )
    received = SupportFactory(
        owner=owner,
        contact=other,
        direction=Direction.RECEIVED,
        description=hostile("received.description"),
        notes=hostile("received.notes"),
    )
    ask = SupportFactory(
        owner=owner, contact=contact, direction=Direction.ASK, description=hostile("ask")
    )
    intro = SupportFactory(
        owner=owner,
        contact=contact,
        intro_to=other,
        kind=SupportKind.INTRO,
        direction=Direction.GIVE,
        description=hostile("intro.description"),
    )
    mentorship = MentorshipFactory(
        owner=owner, mentee=contact, goals=hostile("goals"), notes=hostile("mentorship.notes")
    )
    follow_up = FollowUpFactory(
        owner=owner,
        contact=contact,
        reason=FollowUpReason.MANUAL,
        due_on=today,
        note=hostile("followup.note"),
    )
    promise = FollowUpFactory(
        owner=owner,
        contact=other,
        reason=FollowUpReason.PROMISE,
        interaction=interaction,
        due_on=today - timedelta(days=1),
        note=hostile("promise.note"),
        source_key=f"interaction:{interaction.pk}:{other.pk}",
    )
    return {
        "profile": profile,
        "event": event,
        "contact": contact,
        "other": other,
        "tag": tag,
        "link": link,
        "interaction": interaction,
        "give": give,
        "received": received,
        "ask": ask,
        "intro": intro,
        "mentorship": mentorship,
        "follow_up": follow_up,
        "promise": promise,
    }


def pages(world) -> dict[str, str]:
    """Every page that shows the owner's text: {name: URL}. PAGE_NAMES lists the names."""
    from interactions.dashboard.views import CARDS

    c, i, e, m = world["contact"], world["interaction"], world["event"], world["mentorship"]
    urls = {"dashboard": reverse("dashboard")}
    urls |= {f"card:{card}": reverse("dashboard_card", args=[card]) for card in CARDS}
    urls |= {
        "contacts": reverse("contacts:list"),
        "contacts?q=marker": reverse("contacts:list") + f"?q={MARKER}",
        "contacts?q=<script>": reverse("contacts:list") + "?q=%3Cscript%3Ewindow.__xss=1",
        "contact-picker-search": reverse("contacts:search") + f"?q={MARKER}",
        "contact": reverse("contacts:detail", args=[c.pk]),
        "contact-other": reverse("contacts:detail", args=[world["other"].pk]),
        "contact-edit": reverse("contacts:edit", args=[c.pk]),
        "contact-link-new": reverse("contacts:link_create", args=[c.pk]),
        "interactions": reverse("interactions:list"),
        "interaction": reverse("interactions:detail", args=[i.pk]),
        "interaction-edit": reverse("interactions:edit", args=[i.pk]),
        "log-form": reverse("interactions:create") + f"?contact={c.pk}",
        "gives": reverse("interactions:support_list"),
        "give": reverse("interactions:support_detail", args=[world["give"].pk]),
        "give-intro": reverse("interactions:support_detail", args=[world["intro"].pk]),
        "give-edit": reverse("interactions:support_edit", args=[world["give"].pk]),
        "mentorships": reverse("interactions:mentorship_list"),
        "mentorship": reverse("interactions:mentorship_detail", args=[m.pk]),
        "mentorship-edit": reverse("interactions:mentorship_edit", args=[m.pk]),
        "events": reverse("contacts:event_list"),
        "event": reverse("contacts:event_detail", args=[e.pk]),
        "event-edit": reverse("contacts:event_edit", args=[e.pk]),
        "network": reverse("insights:network"),
        "network-table": reverse("insights:network_table"),
        "network-brief": reverse("insights:contact_brief", args=[c.pk]),
        "insights": reverse("insights:insights"),
        "settings": reverse("settings"),
        "digest-preview": reverse("digest:preview"),
        "digest-preview-email": reverse("digest:preview_email"),
        "duplicates": reverse("data:duplicates"),
        "export": reverse("data:export"),
        "merge": reverse("data:merge", args=[c.pk]),
        "admin-contacts": reverse("admin:contacts_contact_changelist"),
        "admin-contacts?q=marker": reverse("admin:contacts_contact_changelist") + f"?q={MARKER}",
        "admin-interactions": reverse("admin:interactions_interaction_changelist"),
        "admin-contact": reverse("admin:contacts_contact_change", args=[c.pk]),
    }
    return urls


def page_names() -> list[str]:
    """The keys of pages(), known without a database (for parametrize)."""
    from interactions.dashboard.views import CARDS

    fixed = [
        "dashboard",
        "contacts",
        "contacts?q=marker",
        "contacts?q=<script>",
        "contact-picker-search",
        "contact",
        "contact-other",
        "contact-edit",
        "contact-link-new",
        "interactions",
        "interaction",
        "interaction-edit",
        "log-form",
        "gives",
        "give",
        "give-intro",
        "give-edit",
        "mentorships",
        "mentorship",
        "mentorship-edit",
        "events",
        "event",
        "event-edit",
        "network",
        "network-table",
        "network-brief",
        "insights",
        "settings",
        "digest-preview",
        "digest-preview-email",
        "duplicates",
        "export",
        "merge",
        "admin-contacts",
        "admin-contacts?q=marker",
        "admin-interactions",
        "admin-contact",
    ]
    return ["dashboard"] + [f"card:{card}" for card in CARDS] + fixed[1:]


@pytest.fixture
def hostile_owner(owner):
    """The owner, staff and superuser so the admin changelists are in reach too."""
    owner.is_staff = owner.is_superuser = True
    owner.save(update_fields=["is_staff", "is_superuser"])
    return owner
