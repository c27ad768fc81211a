"""The network map's filter form (GET): shared by the page, its JSON endpoint and the table."""

from django import forms

from contacts.models import Circle, Discipline, Tag

from .selectors import DEFAULT_WINDOW, WINDOWS

COLOUR_BY = (("circle", "Circle"), ("discipline", "Discipline"))


class NetworkFilterForm(forms.Form):
    circle = forms.ChoiceField(choices=[("", "All circles"), *Circle.choices], required=False)
    discipline = forms.ChoiceField(
        choices=[("", "All disciplines"), *Discipline.choices], required=False
    )
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.none(), required=False, empty_label="All tags"
    )
    window = forms.TypedChoiceField(
        label="Support in", choices=WINDOWS, coerce=int, required=False, empty_value=DEFAULT_WINDOW
    )
    min_strength = forms.IntegerField(
        label="Min. strength", min_value=0, max_value=100, required=False,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    colour = forms.ChoiceField(label="Colour by", choices=COLOUR_BY, required=False)

    def __init__(self, data=None, *, owner, **kwargs):
        # Always bound, with defaults filled in, so the selects show what the map really uses.
        given = data.dict() if hasattr(data, "dict") else dict(data or {})
        super().__init__({"window": str(DEFAULT_WINDOW), "colour": "circle", **given}, **kwargs)
        # Only the owner's tags can be chosen: another user's tag id is "not one of the choices".
        self.fields["tag"].queryset = Tag.objects.filter(owner=owner)

    def filters(self) -> dict:
        """Keyword arguments for network(); a field that is invalid is ignored."""
        data = self._valid_data()
        tag = data.get("tag")
        window = data.get("window")
        return {
            "circle": data.get("circle") or "",
            "discipline": data.get("discipline") or "",
            "tag_id": tag.pk if tag else None,
            "window_days": DEFAULT_WINDOW if window is None else window,
            "min_strength": data.get("min_strength") or 0,
        }

    @property
    def colour_by(self) -> str:
        return self._valid_data().get("colour") or "circle"

    def _valid_data(self) -> dict:
        # An invalid field is dropped on its own; the other filters still apply.
        self.is_valid()
        return self.cleaned_data
