"""A person (or organisation) in the user's network, and the tags the user gives them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat, Upper

from ..indexes import NullsLastIndex
from .choices import (
    CIRCLE_LABELS,
    DISCIPLINE_LABELS,
    NOT_SET,
    TIER_LABELS,
    Circle,
    ContactKind,
    Discipline,
    Tier,
)
from .event import Event
from .profile import validate_time_zone


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="tag_unique_name_per_owner")
        ]

    def __str__(self):
        return self.name


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)


class ContactLabels:
    """The names a page shows for a contact, for a Contact and for the network map's plain
    nodes (interactions.network.selectors.Node) alike: both have name, preferred_name, circle,
    discipline."""

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.name

    # get_circle_display() rebuilds its choices dict on every call; the contacts list shows
    # both labels on fifty rows.
    @property
    def circle_label(self) -> str:
        return CIRCLE_LABELS.get(self.circle, self.circle) or NOT_SET

    @property
    def discipline_label(self) -> str:
        return DISCIPLINE_LABELS.get(self.discipline, self.discipline) or NOT_SET

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, self.tier) or NOT_SET

    @property
    def is_unsorted(self) -> bool:
        """Circle, discipline or tier not set yet (the Sort new people screen's contacts)."""
        return not (self.circle and self.discipline and self.tier)


class Contact(ContactLabels, models.Model):
    # Indexed by contact_owner_search (Meta), not by an index of its own.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True)
    # How the name is said, when it is written in another script (vCard X-PHONETIC-*,
    # Google's "Phonetic" columns): "山田 太郎" is "Yamada Tarō". Matched by contacts.names.
    phonetic_name = models.CharField(max_length=200, blank=True)
    # An organisation (a company, a shop, a practice) is kept as a contact of its own kind: an
    # address-book row with a company and a phone but no person's name.
    kind = models.CharField(
        max_length=12, choices=ContactKind.choices, default=ContactKind.PERSON
    )
    company = models.CharField(max_length=200, blank=True)
    # What the contacts search matches (selectors._matching): name, preferred name, company
    # and phonetic name upper-cased once when the row is written. A search then tests one
    # plain LIKE per contact instead of four case conversions, a quarter of the time at 5,000
    # contacts.
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "name", Value("\n"), "preferred_name", Value("\n"), "company",
                Value("\n"), "phonetic_name",
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    # Blank is "not set": a person imported or synced is unsorted until the user says, never
    # guessed (the Sort new people screen goes through them). No tier means no cadence unless
    # cadence_days is set.
    circle = models.CharField(max_length=20, choices=Circle.choices, blank=True, default="")
    discipline = models.CharField(max_length=20, choices=Discipline.choices, blank=True, default="")
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True, default="")
    location = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    linkedin_url = models.URLField(max_length=300, blank=True)
    website = models.URLField(max_length=300, blank=True)
    how_we_met = models.TextField(blank=True)
    # Both indexed only where set (see Meta): most contacts have neither, and every lookup
    # through them (`introduced`, SET_NULL on delete) asks for a value.
    met_at = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The event where you met.", db_index=False,
    )
    introduced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="introduced",
        db_index=False,
    )
    working_on = models.TextField(blank=True, help_text="What they are working on.")
    why_it_matters = models.TextField(blank=True, help_text="Why it matters to them.")
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    cadence_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Days between touches; blank uses the default for the tier.",
    )
    reminders_off = models.BooleanField(default=False, help_text="Never remind me about them.")
    archived = models.BooleanField(default=False)
    # Kept up to date by interactions.services when an interaction is logged or removed.
    last_interaction_at = models.DateTimeField(null=True, blank=True)
    next_follow_up_on = models.DateField(null=True, blank=True)
    strength = models.FloatField(default=0)
    # The history the insights' dormant and revived ties read, kept with last_interaction_at
    # (interactions.insights.ties.store_touch_history) so that they never count a contact's
    # interactions on a page: how many there are, and the latest one that ended a quiet spell
    # of half a year or more (revived_at) with the one before it (quiet_since).
    interaction_count = models.PositiveIntegerField(default=0)
    revived_at = models.DateTimeField(null=True, blank=True)
    quiet_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The owner's own index, although contact_owner_name and contact_owner_last lead
            # with owner_id: it lists an account's rows in table order, so "all my contacts"
            # reads a few hundred pages through it and thousands through either of those. It
            # carries (PostgreSQL; a plain owner index elsewhere) search_text and the id, so the
            # search's LIKE over an account's contacts reads the index alone, not their rows,
            # and what the insights aggregate over every active contact (strength, circle,
            # discipline, company, the stored history): at 30,000 contacts their five scans
            # read 533 index pages each instead of 2,300 of rows.
            models.Index(
                fields=["owner"],
                include=[
                    "search_text", "id", "archived", "strength", "circle", "discipline", "company",
                    "last_interaction_at", "interaction_count",
                ],
                name="contact_owner_search",
            ),
            # The mix of active contacts (interactions.insights.mix.diversity: a count per
            # circle and discipline, the top companies, the average strength), read on the
            # insights page after every write. Narrower than contact_owner_search (no
            # search_text) and active rows only: 3.7 ms instead of 8.5 to count 30,000 contacts.
            models.Index(
                fields=["owner"],
                include=["circle", "discipline", "company", "department", "strength"],
                condition=Q(archived=False),
                name="contact_owner_mix",
            ),
            # The strongest ties (interactions.insights.strongest_ties), read top down; only
            # contacts with some strength, so an import of new contacts does not write it.
            models.Index(
                F("owner"), F("strength").desc(), name="contact_strongest",
                condition=Q(archived=False, strength__gt=0),
            ),
            # The contacts with a revival (interactions.insights.ties.revived_ties), with what
            # it sorts them by, so the top ten are picked from the index alone.
            models.Index(
                fields=["owner", "revived_at"], name="contact_revived",
                include=["quiet_since", "name"], condition=Q(revived_at__isnull=False),
            ),
            # The candidates for dormant ties (interactions.insights.ties.dormant_ties): active
            # contacts with some history, by last conversation, with what they are sorted by.
            # The top ten are picked from the index alone: 3,400 candidates at 30,000 contacts
            # read 3,568 pages of rows without it.
            models.Index(
                fields=["owner", "last_interaction_at"], name="contact_dormant",
                include=["interaction_count", "name"],
                condition=Q(archived=False, interaction_count__gte=3),
            ),
            # The list's name order, and a search of names (the interactions search's contacts
            # named like its words): the id beside each name (PostgreSQL's INCLUDE) lets that
            # LIKE read the index alone, 6 ms instead of 9.5 at 30,000 contacts.
            models.Index(fields=["owner", "name"], include=["id"], name="contact_owner_name"),
            # Read by the cadence scanner (interactions.followups.create_due_cadence_follow_ups):
            # due, active contacts with reminders on.
            models.Index(
                fields=["next_follow_up_on"],
                name="contact_due_scan",
                condition=Q(archived=False, reminders_off=False, next_follow_up_on__isnull=False),
            ),
            # The contacts still to sort (contacts.sorting.selectors.unsorted_contacts), counted
            # on every visit of the contacts list: without it the count reads all of an
            # account's contacts (16 ms at 30,000, where most are sorted).
            models.Index(
                fields=["owner", "-id"],
                name="contact_unsorted",
                condition=Q(archived=False) & (Q(circle="") | Q(discipline="") | Q(tier="")),
            ),
            # In the order of the contacts list's "Last contact" sort (selectors.CONTACT_SORTS),
            # so `?sort=last` (and `?due=on&sort=last`) walks it and stops after a page instead
            # of sorting all of an account's contacts; the insights' ranges read it too.
            NullsLastIndex(
                "owner", F("last_interaction_at").desc(nulls_last=True), name="contact_owner_last"
            ),
            # The weekly digest's "one person" (interactions.followups.suggestion): each tier's
            # active contact touched longest ago, one probe each, and the few with a cadence of
            # their own, from the index's entries; and its count of active contacts. A NULL
            # cadence (the tier's default) is 0 here: PostgreSQL walks the last column in order
            # after equalities only, and `IS NULL` is not one.
            models.Index(
                F("owner"),
                F("reminders_off"),
                Coalesce("cadence_days", Value(0)),
                F("tier"),
                Coalesce("last_interaction_at", "created_at"),
                include=["cadence_days", "last_interaction_at", "created_at"],
                condition=Q(archived=False),
                name="contact_owner_cadence",
            ),
            models.Index(
                fields=["introduced_by"],
                name="contact_introduced_by",
                condition=Q(introduced_by__isnull=False),
            ),
            models.Index(
                fields=["met_at"], name="contact_met_at", condition=Q(met_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True) | Q(cadence_days__gte=1, cadence_days__lte=3650),
                name="contact_cadence_range",
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=0) & Q(strength__lte=100), name="contact_strength_0_100"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def primary_email(self) -> str:
        # Pages of many contacts prefetch "emails" (the picker) or read the first email as a
        # value instead (the contacts list, selectors.with_row_details).
        emails = list(self.emails.all())
        return emails[0].email if emails else ""
