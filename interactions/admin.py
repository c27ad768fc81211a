"""Admin for interactions, gives/received/asks, mentorships, follow-ups and scheduler ticks.

Owner-scoped through contacts.admin_mixins.OwnerScopedAdminMixin; writes that move a contact's
schedule go through the follow-up engine (interactions.followups), as the app's own pages do.
"""

import secrets

from django.contrib import admin, messages
from django.db.models import OuterRef

from contacts.admin_mixins import (
    CountedUpToPaginator,
    OwnerScopedAdminMixin,
    SearchThroughExistsMixin,
)

from . import followups
from .models import FollowUp, FollowUpStatus, Interaction, Mentorship, SchedulerTick, Support


def _contact_ids_of(interactions) -> list[int]:
    through = Interaction.contacts.through
    return list(
        through.objects.filter(interaction__in=interactions)
        .values_list("contact_id", flat=True)
        .distinct()
    )


@admin.register(Interaction)
class InteractionAdmin(OwnerScopedAdminMixin, SearchThroughExistsMixin, admin.ModelAdmin):
    list_display = (
        "occurred_at", "__str__", "kind", "initiated_by", "contact_names", "event", "follow_up_on",
    )
    # A date filter rather than date_hierarchy, whose years are a scan of every conversation
    # (233 ms of the list's 300 at 1,000,000).
    list_filter = ("kind", "initiated_by", ("occurred_at", admin.DateFieldListFilter))
    list_select_related = ("event",)
    own_search_fields = ("summary", "notes")
    search_fields = (*own_search_fields, "contacts__name")
    autocomplete_fields = ("contacts", "event")
    readonly_fields = ("created_at", "updated_at")
    # Counting a million rows on every changelist page costs more than it tells.
    show_full_result_count = False
    paginator = CountedUpToPaginator

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("contacts")

    def related_search(self, word):
        # A person's name through EXISTS (SearchThroughExistsMixin): joined, a search of `a`
        # read every match of a million (9.7 s).
        return Interaction.contacts.through.objects.filter(
            interaction_id=OuterRef("pk"), contact__name__icontains=word
        )

    @admin.display(description="Contacts")
    def contact_names(self, interaction):
        return ", ".join(contact.name for contact in interaction.contacts.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        followups.on_interaction_saved(form.instance)

    def delete_model(self, request, obj):
        contact_ids = _contact_ids_of([obj.pk])
        super().delete_model(request, obj)
        followups.refresh_contact_schedule(contact_ids)

    def delete_queryset(self, request, queryset):
        contact_ids = _contact_ids_of(queryset.values("pk"))
        super().delete_queryset(request, queryset)
        followups.refresh_contact_schedule(contact_ids)


@admin.register(Support)
class SupportAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__", "direction", "kind", "status", "contact", "intro_to",
        "offered_on", "due_on", "done_on",
    )
    list_filter = ("direction", "kind", "status")
    list_select_related = ("contact", "intro_to")
    search_fields = ("description", "notes", "contact__name", "intro_to__name")
    date_hierarchy = "offered_on"
    autocomplete_fields = ("contact", "intro_to", "interaction")
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        followups.on_support_saved(obj)


@admin.register(Mentorship)
class MentorshipAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__", "role_display", "session_cadence_days", "started_on", "last_session_on", "active",
    )
    list_filter = ("active",)
    list_select_related = ("mentor", "mentee")
    search_fields = ("goals", "mentor__name", "mentee__name")
    autocomplete_fields = ("mentor", "mentee")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Role")
    def role_display(self, mentorship):
        return {
            "my_mentee": "My mentee",
            "my_mentor": "My mentor",
            "matched": "Matched by me",
        }[mentorship.role]


@admin.register(FollowUp)
class FollowUpAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ("due_on", "contact", "reason", "status", "snoozed_until", "note")
    # As for conversations: a date filter and a count up to 1000 (a neglected network of
    # 30,000 holds 10,000 open reminders).
    list_filter = ("status", "reason", ("due_on", admin.DateFieldListFilter))
    list_select_related = ("contact",)
    search_fields = ("contact__name", "note", "source_key")
    paginator = CountedUpToPaginator
    autocomplete_fields = ("contact", "interaction", "support", "event", "mentorship")
    actions = ("mark_done",)

    def get_readonly_fields(self, request, obj=None):
        # The source key is what keeps the scanners idempotent: set once, never edited.
        readonly = ("created_at", "closed_at")
        return (*readonly, "source_key") if obj is not None else readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("source_key", f"manual:{secrets.token_hex(8)}")
        return initial

    @admin.action(description="Mark selected follow-ups done", permissions=["change"])
    def mark_done(self, request, queryset):
        open_ones = queryset.filter(status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED])
        count = 0
        for follow_up in open_ones:
            followups.mark_done(follow_up)
            count += 1
        self.message_user(request, f"{count} follow-up(s) marked done.", messages.SUCCESS)


@admin.register(SchedulerTick)
class SchedulerTickAdmin(admin.ModelAdmin):
    """Bookkeeping of the beat: readable by superusers, written only by the scheduler."""

    list_display = ("name", "ticked_at")
    search_fields = ("name",)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
