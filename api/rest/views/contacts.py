"""/api/v1/contacts/ and /api/v1/events/."""

from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Upper
from drf_spectacular.utils import extend_schema, extend_schema_view

from contacts.models import Circle, Contact, ContactEmail, Discipline, Event, Tier
from contacts.services import delete_contact, delete_event, get_profile
from interactions.followups import local_today

from ..filters import QueryBoolean, SinceForm
from ..serializers.contacts import ContactSerializer
from ..serializers.interactions import EventSerializer
from .base import OwnedViewSet


class ContactFilters(SinceForm):
    q = forms.CharField(required=False, max_length=200,
                        help_text="Name, preferred name, phonetic name, company, email or tag "
                        "contains this (any case).")
    tag = forms.CharField(required=False, max_length=50, help_text="Has this tag (any case).")
    circle = forms.ChoiceField(required=False, choices=[("", ""), *Circle.choices])
    discipline = forms.ChoiceField(required=False, choices=[("", ""), *Discipline.choices])
    tier = forms.ChoiceField(required=False, choices=[("", ""), *Tier.choices])
    due = QueryBoolean(required=False, help_text="Only contacts due for a follow-up today.")
    archived = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("active", "active"), ("archived", "archived"), ("all", "all")],
        help_text="active (the default), archived or all.",
    )


@extend_schema_view(
    list=extend_schema(summary="List contacts"),
    create=extend_schema(summary="Add a contact"),
    retrieve=extend_schema(summary="A contact"),
    update=extend_schema(summary="Replace a contact"),
    partial_update=extend_schema(summary="Change a contact"),
    destroy=extend_schema(summary="Delete a contact (archive it instead to keep its history)"),
)
class ContactViewSet(OwnedViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filter_form = ContactFilters
    ordering_fields = ["name", "updated_at", "created_at", "id"]
    ordering = ["name"]

    def get_queryset(self):
        return (
            super().get_queryset().prefetch_related("emails", "phones", "tags", "important_dates")
        )

    def filter_list(self, queryset, data):
        queryset = super().filter_list(queryset, data)
        archived = data.get("archived") or "active"
        if archived != "all":
            queryset = queryset.filter(archived=archived == "archived")
        for field in ("circle", "discipline", "tier"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("tag"):
            queryset = queryset.filter(
                pk__in=Contact.tags.through.objects.filter(
                    tag__owner=self.request.user, tag__name__iexact=data["tag"]
                ).values("contact_id")
            )
        if data.get("due"):
            today = local_today(get_profile(self.request.user))
            queryset = queryset.filter(next_follow_up_on__lte=today, reminders_off=False)
        if q := " ".join(data.get("q", "").split()):
            emails = ContactEmail.objects.filter(
                contact__owner=self.request.user, email__icontains=q
            ).values("contact_id")
            tagged = Contact.tags.through.objects.filter(
                tag__owner=self.request.user, tag__name__icontains=q
            ).values("contact_id")
            # search_text is the names and the company upper-cased (Contact.search_text), which
            # PostgreSQL finds in its trigram index (contacts migration 0022).
            queryset = queryset.filter(
                Q(search_text__contains=Upper(Value(q))) | Q(pk__in=emails) | Q(pk__in=tagged)
            )
        return queryset

    def perform_destroy(self, contact):
        delete_contact(contact)


class EventFilters(SinceForm):
    starts_after = forms.DateField(required=False, help_text="Events starting on or after this day.")


class EventViewSet(OwnedViewSet):
    model = Event
    serializer_class = EventSerializer
    filter_form = EventFilters
    ordering_fields = ["starts_on", "updated_at", "id"]
    ordering = ["-starts_on"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("people_met")

    def filter_list(self, queryset, data):
        queryset = super().filter_list(queryset, data)
        if data.get("starts_after"):
            queryset = queryset.filter(starts_on__gte=data["starts_after"])
        return queryset

    def perform_destroy(self, event):
        delete_event(event)
