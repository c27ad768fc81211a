"""What every resource's serializer shares: links to other rows only among the user's own,
and JSON types taken as the schema says (a number is not a string, an object is not a list)."""

from django.db import models
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS


class StrictCharField(serializers.CharField):
    """A string and nothing else: DRF's CharField would turn 0 or 1.5 into "0" or "1.5"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false: DRF's BooleanField would also take 0, 1, "yes" or "off"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A JSON list of ids: DRF's would take an object's keys (or nothing) as the list."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class OwnedRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of one of the signed-in user's rows: another user's id is "does not exist", the
    same answer as an id nobody has."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.model.objects.none()
        return self.model.objects.filter(owner=user)

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return StrictManyRelatedField(**list_kwargs)


class StrictModelSerializer(serializers.ModelSerializer):
    """Model fields as the strict JSON types above."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.BooleanField: StrictBooleanField,
    }


class OwnedSerializer(StrictModelSerializer):

    @property
    def owner(self):
        return self.context["request"].user
