"""`get_FOO_display()` without rebuilding the field's choices on every call.

Django's implementation makes a dict of the field's choices each time it is called; a page
that labels thirty timeline entries or a digest of fifty rows spent as long in it as in a
`{% url %}`. The labels stay lazy where they are lazy, so translations still apply.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_labels: dict = {}


def choice_labels(field) -> dict:
    """The field's choices as {value: label}, built once per field."""
    try:
        return _labels[field]
    except KeyError:
        labels = _labels[field] = dict(make_hashable(field.flatchoices))
        return labels


class ChoiceLabels:
    """Mixin for models (before models.Model) with choice fields shown on busy pages."""

    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name, overridden
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(make_hashable(value), value), strings_only=True)
