"""The time-zone form field: typed with suggestions from a <datalist> of every zone the server
knows (a select of some 600 zones is unusable), with the browser's own zone offered first by
static/js/app.js. Used by the contact form and the user's Settings."""

import functools
import zoneinfo

from django import forms
from django.template.loader import render_to_string


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


@functools.cache
def _by_lower_name() -> dict[str, str]:
    """Full names, and city names that only one zone has ("berlin" is Europe/Berlin)."""
    cities: dict[str, list[str]] = {}
    for name in time_zone_names():
        cities.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    known = {city: names[0] for city, names in cities.items() if len(names) == 1}
    known.update((name.lower(), name) for name in time_zone_names())
    return known


class TimeZoneInput(forms.TextInput):
    """A text input followed by its list of suggestions (templates/includes/time_zone_list.html)."""

    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", "data-browser-zone": "", **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id') or name}-zones"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        suggestions = render_to_string(
            "includes/time_zone_list.html",
            {"list_id": context["widget"]["attrs"]["list"], "zones": time_zone_names()},
        )
        return self._render(self.template_name, context, renderer) + suggestions


class TimeZoneField(forms.CharField):
    """A zone as people type it ("america/new york" is America/New_York, "Berlin" is
    Europe/Berlin); the model's
    validator (contacts.models.validate_time_zone) says which names are known."""

    widget = TimeZoneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def to_python(self, value):
        typed = super().to_python(value).replace(" ", "_")
        return _by_lower_name().get(typed.lower(), typed)
