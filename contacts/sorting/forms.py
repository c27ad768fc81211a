"""The Sort new people form: circle, discipline, tier and cadence of one contact, each key of
the screen's keyboard shown beside its choice."""

from django import forms

from ..forms import SORTING_CHOICES
from ..models import Contact

# Keys of the screen (static/js/sort.js reads them from the data-key of each choice):
# digits for circles and tiers, a letter for each discipline.
KEYS = {
    "circle": {
        "same_team": "1", "same_company": "2", "industry_peer": "3", "community": "4",
        "outside_tech": "5",
    },
    "tier": {"close": "6", "peer": "7", "network": "8", "dormant": "9"},
    "discipline": {
        "engineering": "e", "product": "p", "design": "d", "data": "a", "leadership": "h",
        "operations": "o", "sales_marketing": "m", "people": "r", "other": "t",
    },
}
ACTIONS = ("save", "archive")


class SortForm(forms.ModelForm):
    # Enter in the cadence field submits without a button: that is a save.
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], required=False)

    class Meta:
        model = Contact
        fields = ["circle", "discipline", "tier", "cadence_days"]
        widgets = {
            "circle": forms.RadioSelect,
            "discipline": forms.RadioSelect,
            "tier": forms.RadioSelect,
            "cadence_days": forms.NumberInput(attrs={"class": "input-short", "data-key": "c"}),
        }
        labels = {"cadence_days": "Cadence (days)"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, choices in SORTING_CHOICES.items():
            self.fields[name].choices = choices
        self.fields["cadence_days"].help_text = "Blank uses the tier's default."

    def choices_with_keys(self, name: str) -> list[tuple[str, str, str, bool]]:
        """(value, label, key, checked) for each choice of a radio field, "Not set" first."""
        current = str(self[name].value() or "")
        return [
            (value, label, KEYS[name].get(value, ""), str(value) == current)
            for value, label in self.fields[name].choices
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") != "archive" and not any(
            data.get(name) for name in ("circle", "discipline", "tier", "cadence_days")
        ):
            raise forms.ValidationError(
                "Choose a circle, discipline, tier or cadence, or skip this person for now."
            )
        return data
