"""The merge screen's choices: for each field where the two contacts differ, whose value the
merged contact keeps (a radio per field, the kept contact's by default)."""

from django import forms

from .plan import OTHER, SURVIVOR


class MergeChoicesForm(forms.Form):
    def __init__(self, plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for item in plan.choices:
            self.fields[item.name] = forms.ChoiceField(
                label=item.label,
                choices=[(SURVIVOR, item.survivor), (OTHER, item.other)],
                initial=SURVIVOR,
                required=False,  # left out: the kept contact's value
                widget=forms.RadioSelect,
            )
            item.choice = self[item.name]

    @property
    def choices(self) -> dict[str, str]:
        """Field name → "other" where the user picked the other contact's value."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {name: value for name, value in data.items() if value == OTHER}
