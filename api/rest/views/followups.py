"""/api/v1/follow-ups/: the open ones by default; done, snooze and dismiss as in the app."""

from datetime import timedelta

from django import forms
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from contacts.services import get_profile
from interactions import followups
from interactions.models import FollowUp, FollowUpReason

from ..filters import QueryBoolean
from ..serializers.followups import FollowUpSerializer, SnoozeSerializer
from .base import ApiViewSetMixin

STATUS_CHOICES = [("", ""), ("open", "open"), ("done", "done"), ("dismissed", "dismissed"),
                  ("all", "all")]


class FollowUpFilters(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=STATUS_CHOICES,
        help_text="open (the default: open and snoozed), done, dismissed or all.",
    )
    due = QueryBoolean(required=False, help_text="Only those due today or earlier.")
    contact = forms.IntegerField(required=False, min_value=1, help_text="For this contact.")
    reason = forms.ChoiceField(required=False, choices=[("", ""), *FollowUpReason.choices])


class FollowUpViewSet(
    ApiViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = FollowUpSerializer
    filter_form = FollowUpFilters
    ordering_fields = ["due_on", "created_at", "id"]
    ordering = ["due_on"]

    def get_queryset(self):
        return FollowUp.objects.filter(owner=self.request.user)

    def _today(self):
        return followups.local_today(get_profile(self.request.user))

    def filter_list(self, queryset, data):
        status = data.get("status") or "open"
        if status == "open":
            queryset = queryset.filter(status__in=followups.OPEN_STATUSES)
        elif status != "all":
            queryset = queryset.filter(status=status)
        if data.get("due"):
            queryset = queryset.filter(due_on__lte=self._today())
        if data.get("contact"):
            queryset = queryset.filter(contact_id=data["contact"])
        if data.get("reason"):
            queryset = queryset.filter(reason=data["reason"])
        return queryset

    def _answer(self, follow_up):
        follow_up.refresh_from_db()
        return Response(self.get_serializer(follow_up).data)

    @extend_schema(request=None, summary="Mark done (a cadence reminder counts as a touch)")
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        follow_up = self.get_object()
        followups.mark_done(follow_up)
        return self._answer(follow_up)

    @extend_schema(request=None, summary="Dismiss (a cadence reminder comes back one cadence later)")
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        follow_up = self.get_object()
        followups.dismiss(follow_up)
        return self._answer(follow_up)

    @extend_schema(request=SnoozeSerializer, summary="Snooze until a later day")
    @action(detail=True, methods=["post"])
    def snooze(self, request, pk=None):
        follow_up = self.get_object()
        data = SnoozeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        until = data.validated_data["until"]
        today = self._today()
        if until <= today:
            raise ValidationError({"until": "Pick a day after today."})
        if until > today + timedelta(days=3650):
            raise ValidationError({"until": "Pick a day within ten years."})
        if follow_up.status not in followups.OPEN_STATUSES:
            raise ValidationError({"status": f"This follow-up is {follow_up.status} already."})
        followups.snooze(follow_up, until)
        return self._answer(follow_up)



