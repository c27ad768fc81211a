"""Interactions, gives / received / asks, mentorships and events; written through the same
services as the web app, so a logged interaction resets cadences and makes promises."""

from django.utils import timezone
from rest_framework import serializers

from contacts import services as contact_services
from contacts.models import Contact, Event
from interactions import services
from interactions.models import Interaction, Mentorship, Support

from .base import OwnedRelatedField, OwnedSerializer


class InteractionSerializer(OwnedSerializer):
    contacts = OwnedRelatedField(Contact, many=True)
    event = OwnedRelatedField(Event, allow_null=True, required=False)
    occurred_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Interaction
        fields = [
            "id", "contacts", "occurred_at", "kind", "initiated_by", "summary", "notes",
            "working_on", "why_it_matters", "event", "follow_up_on", "follow_up_note",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_contacts(self, contacts):
        if not contacts:
            raise serializers.ValidationError("An interaction needs at least one contact.")
        return list(dict.fromkeys(contacts))

    def create(self, validated_data):
        validated_data.setdefault("occurred_at", timezone.now())
        return services.log_interaction(self.owner, validated_data)

    def update(self, interaction, validated_data):
        if "occurred_at" in validated_data:
            interaction.occurred_at = validated_data.pop("occurred_at")
        return services.update_interaction(interaction, validated_data)


class SupportSerializer(OwnedSerializer):
    contact = OwnedRelatedField(Contact)
    intro_to = OwnedRelatedField(Contact, allow_null=True, required=False)
    interaction = OwnedRelatedField(Interaction, allow_null=True, required=False)

    class Meta:
        model = Support
        fields = [
            "id", "direction", "contact", "intro_to", "kind", "status", "description", "notes",
            "interaction", "offered_on", "due_on", "done_on", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, data):
        merged = {**self._current(), **data}
        if merged.get("intro_to") is not None and merged.get("intro_to") == merged.get("contact"):
            raise serializers.ValidationError({"intro_to": "An intro is between two people."})
        due, offered = merged.get("due_on"), merged.get("offered_on") or timezone.localdate()
        if due is not None and due < offered:
            raise serializers.ValidationError({"due_on": "The due date is before the offer."})
        return data

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {f: getattr(self.instance, f) for f in ("contact", "intro_to", "due_on", "offered_on")}

    def create(self, validated_data):
        return services.save_support(self.owner, validated_data)

    def update(self, support, validated_data):
        return services.save_support(self.owner, validated_data, support)


class MentorshipSerializer(OwnedSerializer):
    mentor = OwnedRelatedField(Contact, allow_null=True, required=False)
    mentee = OwnedRelatedField(Contact, allow_null=True, required=False)
    role = serializers.CharField(read_only=True, help_text="my_mentor, my_mentee or matched.")

    class Meta:
        model = Mentorship
        fields = [
            "id", "mentor", "mentee", "role", "goals", "session_cadence_days", "started_on",
            "last_session_on", "active", "notes", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, data):
        merged = {**({"mentor": self.instance.mentor, "mentee": self.instance.mentee}
                     if self.instance else {}), **data}
        mentor, mentee = merged.get("mentor"), merged.get("mentee")
        if mentor is None and mentee is None:
            raise serializers.ValidationError(
                {"mentee": "Name the mentor or the mentee (a blank side is you)."}
            )
        if mentor is not None and mentor == mentee:
            raise serializers.ValidationError({"mentee": "Mentor and mentee are two people."})
        return data

    def create(self, validated_data):
        return services.save_mentorship(self.owner, validated_data)

    def update(self, mentorship, validated_data):
        return services.save_mentorship(self.owner, validated_data, mentorship)


class EventSerializer(OwnedSerializer):
    people_met = OwnedRelatedField(Contact, many=True, required=False)

    class Meta:
        model = Event
        fields = [
            "id", "name", "kind", "starts_on", "ends_on", "place", "goals", "notes",
            "people_met", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, data):
        starts = data.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = data.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": "The event ends before it starts."})
        return data

    def create(self, validated_data):
        return contact_services.save_event(self.owner, validated_data)

    def update(self, event, validated_data):
        return contact_services.save_event(self.owner, validated_data, event)
