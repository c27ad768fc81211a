"""Follow-ups: read, and closed or snoozed through interactions.followups."""

from rest_framework import serializers

from interactions.models import FollowUp


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id", "contact", "reason", "due_on", "note", "status", "snoozed_until",
            "interaction", "support", "event", "mentorship", "created_at", "closed_at",
        ]
        read_only_fields = fields


class SnoozeSerializer(serializers.Serializer):
    until = serializers.DateField(help_text="The day the follow-up comes back (after today).")
