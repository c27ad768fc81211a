"""In the admin, a staff member sees and picks their own rows only, like every admin list of
the project (contacts.admin_mixins.OwnerScopedAdminMixin); a superuser sees every user's."""

from django.contrib import admin

from contacts.admin_mixins import OwnerScopedAdminMixin

from .models import Channel, Delivery, Nudge, NudgeSchedule
from .selectors import channel_address


@admin.register(NudgeSchedule)
class NudgeScheduleAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["owner", "frequency", "weekday", "hour", "updated_at"]
    list_filter = ["frequency"]
    list_select_related = ["owner"]


@admin.register(Channel)
class ChannelAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["owner", "kind", "name", "address", "enabled", "created_at"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["owner"]
    # The URL and the push keys are the user's secrets: the admin shows them masked.
    exclude = ["url", "p256dh", "auth"]
    readonly_fields = ["owner", "kind", "address", "endpoint", "created_at"]

    @admin.display(description="address")
    def address(self, channel):
        return channel_address(channel)


@admin.register(Nudge)
class NudgeAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["owner", "frequency", "period", "items", "due_at", "created_at"]
    list_filter = ["frequency"]
    list_select_related = ["owner"]
    date_hierarchy = "period"


@admin.register(Delivery)
class DeliveryAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["owner", "channel", "nudge", "status", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    list_select_related = ["owner", "channel", "nudge__owner"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
