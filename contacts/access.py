"""Owner-scoped loading: every object a view touches is fetched by primary key *and* owner."""

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404


def get_owned_or_404(model_or_queryset: type[Model] | QuerySet, user, **lookups):
    """The object matching `lookups` that belongs to `user`, else Http404 (never 403: a
    stranger must not learn that the row exists)."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    return get_object_or_404(queryset, owner=user, **lookups)
