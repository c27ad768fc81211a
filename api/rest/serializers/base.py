"""What every resource's serializer shares: links to other rows only among the user's own."""

from rest_framework import serializers


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


class OwnedSerializer(serializers.ModelSerializer):
    @property
    def owner(self):
        return self.context["request"].user
