"""Admin for people, the user's profile, tags, events and links between contacts.

Every ModelAdmin here is owner-scoped through OwnerScopedAdminMixin (see admin_mixins.py).
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.db.models import Count, OuterRef

from . import services
from .admin_mixins import OwnerScopedAdminMixin, SearchThroughExistsMixin
from .importing.admin import ContactImportAdminMixin
from .models import Contact, ContactEmail, ContactLink, ContactPhone, Event, Profile, Tag


@admin.register(Profile)
class ProfileAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "time_zone", "digest_enabled", "digest_weekday", "digest_hour")
    list_filter = ("digest_enabled", "digest_weekday")
    list_select_related = ("owner",)
    search_fields = ("owner__username", "owner__email", "own_company")
    # The calendar token is a secret that the app rotates; the admin neither shows nor edits it.
    exclude = ("calendar_token",)
    fieldsets = (
        (None, {"fields": ("owner", "time_zone", "own_discipline", "own_company", "own_team")}),
        ("Digest", {"fields": ("digest_enabled", "digest_weekday", "digest_hour")}),
        (
            "Default cadence per tier (days)",
            {"fields": ("cadence_close", "cadence_peer", "cadence_network", "cadence_dormant")},
        ),
    )


@admin.register(Tag)
class TagAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "contact_count")
    search_fields = ("name",)
    list_select_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_contact_count=Count("contacts"))

    @admin.display(description="Contacts", ordering="_contact_count")
    def contact_count(self, tag):
        return tag._contact_count


@admin.register(Event)
class EventAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "starts_on", "ends_on", "place", "people_met_count")
    list_filter = ("kind",)
    list_select_related = ()
    search_fields = ("name", "place", "goals")
    date_hierarchy = "starts_on"
    autocomplete_fields = ("people_met",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_people_met_count=Count("people_met"))

    @admin.display(description="People met", ordering="_people_met_count")
    def people_met_count(self, event):
        return event._people_met_count


class ContactEmailInline(OwnerScopedAdminMixin, admin.TabularInline):
    model = ContactEmail
    owner_path = "contact__owner"
    extra = 0
    fields = ("email", "label")


class ContactPhoneInline(OwnerScopedAdminMixin, admin.TabularInline):
    model = ContactPhone
    owner_path = "contact__owner"
    extra = 0
    fields = ("number", "label")


@admin.register(Contact)
class ContactAdmin(
    ContactImportAdminMixin, OwnerScopedAdminMixin, SearchThroughExistsMixin, admin.ModelAdmin
):
    list_display = (
        "name", "company", "title", "circle", "discipline", "tier", "tag_list",
        "last_interaction_at", "next_follow_up_on", "archived",
    )
    list_filter = (
        "circle", "discipline", "tier", "archived", "reminders_off",
        ("tags", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ()
    own_search_fields = ("name", "preferred_name", "company", "title", "department")
    search_fields = (*own_search_fields, "emails__email")
    autocomplete_fields = ("met_at", "introduced_by", "tags")
    readonly_fields = (
        "last_interaction_at", "next_follow_up_on", "strength", "created_at", "updated_at",
    )
    inlines = (ContactEmailInline, ContactPhoneInline)
    actions = ("archive_contacts", "unarchive_contacts")
    fieldsets = (
        (None, {"fields": ("owner", "name", "preferred_name")}),
        ("Work", {"fields": ("company", "title", "department", "circle", "discipline", "tier")}),
        ("Where", {"fields": ("location", "time_zone", "linkedin_url", "website")}),
        ("How we met", {"fields": ("how_we_met", "met_at", "introduced_by")}),
        ("What they care about", {"fields": ("working_on", "why_it_matters", "notes", "tags")}),
        ("Reminders", {"fields": ("cadence_days", "reminders_off", "archived")}),
        (
            "Kept up to date by the app",
            {"fields": readonly_fields, "classes": ("collapse",)},
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def related_search(self, word):
        # The emails through EXISTS (SearchThroughExistsMixin): joined, the list was DISTINCT
        # (`a`: 234 ms at 30,000 contacts).
        return ContactEmail.objects.filter(contact=OuterRef("pk"), email__icontains=word)

    @admin.display(description="Tags")
    def tag_list(self, contact):
        return ", ".join(tag.name for tag in contact.tags.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or set(form.changed_data) & set(services.SCHEDULE_FIELDS):
            services.refresh_schedules([form.instance.pk])

    def _bulk_action(self, request, queryset, action: str, done: str):
        by_owner = defaultdict(list)
        for contact in queryset.select_related("owner"):
            by_owner[contact.owner].append(contact)
        changed = sum(
            services.bulk_update_contacts(owner, contacts, action)
            for owner, contacts in by_owner.items()
        )
        self.message_user(request, f"{changed} contact(s) {done}.", messages.SUCCESS)

    @admin.action(description="Archive selected contacts", permissions=["change"])
    def archive_contacts(self, request, queryset):
        self._bulk_action(request, queryset, "archive", "archived")

    @admin.action(description="Unarchive selected contacts", permissions=["change"])
    def unarchive_contacts(self, request, queryset):
        self._bulk_action(request, queryset, "unarchive", "unarchived")


@admin.register(ContactLink)
class ContactLinkAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("from_contact", "kind", "to_contact", "since")
    list_filter = ("kind",)
    list_select_related = ("from_contact", "to_contact")
    search_fields = ("from_contact__name", "to_contact__name", "notes")
    autocomplete_fields = ("from_contact", "to_contact")
    date_hierarchy = "since"
