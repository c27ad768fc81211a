"""Capture in the admin: what a user's sources are doing (no secrets shown), their suggestions
and rules. Each list shows the staff member's own rows only, like every admin page here."""

from django.contrib import admin

from .models import Rule, Source, Suggestion


class OwnRowsAdmin(admin.ModelAdmin):
    """Read-only: sources, suggestions and rules are changed from their pages, which check
    what the admin could not (secrets encrypted, contacts of the same owner)."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(OwnRowsAdmin):
    list_display = ["name", "kind", "last_success_at", "failures", "last_error", "next_read_at"]
    list_filter = ["kind"]
    # The encrypted secrets are never shown or edited here: Settings → Calendars and mail.
    fields = ["name", "kind", "host", "port", "username", "last_success_at", "failures",
              "last_error", "next_read_at"]


@admin.register(Suggestion)
class SuggestionAdmin(OwnRowsAdmin):
    list_display = ["title", "origin", "status", "occurred_at"]
    list_filter = ["status", "origin"]
    fields = ["title", "origin", "kind", "status", "occurred_at", "ends_at", "key", "source",
              "interaction", "contacts", "new_people"]


@admin.register(Rule)
class RuleAdmin(OwnRowsAdmin):
    list_display = ["__str__", "action"]
