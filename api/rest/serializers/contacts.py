"""Contacts with their emails, phones and tags; written through contacts.services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers

from contacts import services
from contacts.dates.models import DateKind, ImportantDate
from contacts.dates.services import set_dates
from contacts.models import Contact, Event

from .base import OwnedRelatedField, OwnedSerializer, StrictCharField, StrictModelSerializer


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    label = StrictCharField(max_length=30, allow_blank=True, required=False, default="")


class PhoneSerializer(serializers.Serializer):
    number = StrictCharField(max_length=40)
    label = StrictCharField(max_length=30, allow_blank=True, required=False, default="")


class ImportantDateSerializer(StrictModelSerializer):
    """A birthday, anniversary or named date: month and day, the year when known."""

    class Meta:
        model = ImportantDate
        fields = ["kind", "label", "month", "day", "year", "yearly"]
        extra_kwargs = {"label": {"required": False}, "yearly": {"required": False}}

    def validate(self, data):
        # A PATCH makes nested fields optional, but the dates given replace the old ones whole.
        missing = {name: "This field is required." for name in ("kind", "month", "day") if name not in data}
        if missing:
            raise serializers.ValidationError(missing)
        row = ImportantDate(**{"label": "", "yearly": True, **data})
        try:
            row.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return data


class TagsField(serializers.ListField):
    child = StrictCharField(max_length=50)

    def to_representation(self, tags):
        return sorted(tag.name for tag in tags.all())


class ContactSerializer(OwnedSerializer):
    emails = EmailSerializer(many=True, required=False)
    phones = PhoneSerializer(many=True, required=False)
    tags = TagsField(required=False, max_length=100)
    # Written as a whole: the list given replaces the contact's dates (like tags).
    important_dates = ImportantDateSerializer(many=True, required=False, max_length=20)
    met_at = OwnedRelatedField(Event, allow_null=True, required=False)
    introduced_by = OwnedRelatedField(Contact, allow_null=True, required=False)

    class Meta:
        model = Contact
        fields = [
            "id",
            *services.CONTACT_FIELDS,
            "emails",
            "phones",
            "tags",
            "important_dates",
            "last_interaction_at",
            "next_follow_up_on",
            "strength",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "last_interaction_at", "next_follow_up_on", "strength", "created_at", "updated_at"
        ]

    def validate_emails(self, rows):
        seen, result = set(), []
        for row in rows:
            if "email" not in row:  # PATCH makes nested fields optional; a row needs its email
                raise serializers.ValidationError("Each email needs its address.")
            email = row["email"].strip().lower()
            if email not in seen:
                seen.add(email)
                result.append((row.get("label", ""), email))
        return result

    def validate_phones(self, rows):
        seen, result = set(), []
        for row in rows:
            number = row.get("number", "").strip()
            if not number:
                raise serializers.ValidationError("A phone number cannot be blank.")
            if number not in seen:
                seen.add(number)
                result.append((row.get("label", ""), number))
        return result

    def validate_tags(self, names):
        seen, result = set(), []
        for raw in names:
            name = " ".join(raw.split())
            if name and name.lower() not in seen:
                seen.add(name.lower())
                result.append(name)
        return result

    def validate_important_dates(self, rows):
        if sum(row.get("kind") == DateKind.BIRTHDAY for row in rows) > 1:
            raise serializers.ValidationError("A person has one birthday.")
        return rows

    def validate_introduced_by(self, contact):
        if contact is not None and self.instance is not None and contact.pk == self.instance.pk:
            raise serializers.ValidationError("A contact cannot have introduced themselves.")
        return contact

    @transaction.atomic
    def create(self, validated_data):
        dates = validated_data.pop("important_dates", None)
        contact = services.create_contact(self.owner, validated_data)
        if dates is not None:
            set_dates(contact, dates)
        return contact

    @transaction.atomic
    def update(self, contact, validated_data):
        dates = validated_data.pop("important_dates", None)
        contact = services.update_contact(contact, validated_data)
        if dates is not None:
            set_dates(contact, dates)
            # The answer shows the new dates, not the ones prefetched before the write.
            getattr(contact, "_prefetched_objects_cache", {}).pop("important_dates", None)
        return contact
