"""/api/v1/interactions/, /api/v1/supports/ (gives, received, asks), /api/v1/mentorships/."""

from django import forms
from django.db.models import Q

from interactions import services
from interactions.models import Direction, Interaction, InteractionKind, Mentorship, Support
from interactions.models import SupportStatus

from ..filters import QueryBoolean, SinceForm
from ..serializers.interactions import (
    InteractionSerializer,
    MentorshipSerializer,
    SupportSerializer,
)
from .base import OwnedViewSet


class InteractionFilters(SinceForm):
    contact = forms.IntegerField(required=False, min_value=1, help_text="With this contact.")
    kind = forms.ChoiceField(required=False, choices=[("", ""), *InteractionKind.choices])
    q = forms.CharField(required=False, max_length=200, help_text="Summary or notes contain this.")


class InteractionViewSet(OwnedViewSet):
    model = Interaction
    serializer_class = InteractionSerializer
    filter_form = InteractionFilters
    ordering_fields = ["occurred_at", "updated_at", "id"]
    ordering = ["-occurred_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("contacts")

    def filter_list(self, queryset, data):
        queryset = super().filter_list(queryset, data)
        if data.get("contact"):
            queryset = queryset.filter(
                pk__in=Interaction.contacts.through.objects.filter(
                    contact_id=data["contact"]
                ).values("interaction_id")
            )
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if q := data.get("q", "").strip():
            queryset = queryset.filter(Q(summary__icontains=q) | Q(notes__icontains=q))
        return queryset

    def perform_destroy(self, interaction):
        services.delete_interaction(interaction)


class SupportFilters(SinceForm):
    direction = forms.ChoiceField(required=False, choices=[("", ""), *Direction.choices],
                                  help_text="give, received or ask.")
    status = forms.ChoiceField(required=False, choices=[("", ""), *SupportStatus.choices])
    contact = forms.IntegerField(required=False, min_value=1, help_text="For this contact.")


class SupportViewSet(OwnedViewSet):
    """Gives (me → them), received (them → me) and asks, told apart by `direction`."""

    model = Support
    serializer_class = SupportSerializer
    filter_form = SupportFilters
    ordering_fields = ["offered_on", "updated_at", "id"]
    ordering = ["-offered_on"]

    def filter_list(self, queryset, data):
        queryset = super().filter_list(queryset, data)
        for field in ("direction", "status"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("contact"):
            queryset = queryset.filter(contact_id=data["contact"])
        return queryset

    def perform_destroy(self, support):
        services.delete_support(support)


class MentorshipFilters(SinceForm):
    active = QueryBoolean(required=False, help_text="Only active (true) or ended (false).")


class MentorshipViewSet(OwnedViewSet):
    model = Mentorship
    serializer_class = MentorshipSerializer
    filter_form = MentorshipFilters
    ordering_fields = ["started_on", "updated_at", "id"]
    ordering = ["-started_on"]

    def filter_list(self, queryset, data):
        queryset = super().filter_list(queryset, data)
        if data.get("active") is not None:
            queryset = queryset.filter(active=data["active"])
        return queryset

    def perform_destroy(self, mentorship):
        services.delete_mentorship(mentorship)

