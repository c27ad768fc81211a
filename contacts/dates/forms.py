"""The important dates part of the contact form: one row per date, a formset beside the
ContactForm (contacts/form.html)."""

import calendar

from django import forms
from django.core.exceptions import ValidationError

from ..models import Contact
from .models import DateKind, ImportantDate

MONTHS = [("", "Month"), *((m, calendar.month_name[m]) for m in range(1, 13))]


class ImportantDateForm(forms.ModelForm):
    month = forms.TypedChoiceField(choices=MONTHS, coerce=int)

    class Meta:
        model = ImportantDate
        fields = ["kind", "label", "day", "month", "year", "yearly"]
        widgets = {
            "label": forms.TextInput(attrs={"placeholder": "e.g. Wedding"}),
            "day": forms.NumberInput(attrs={"min": 1, "max": 31, "class": "input-short"}),
            "year": forms.NumberInput(
                attrs={"min": 1, "max": 9999, "class": "input-short", "placeholder": "Year?"}
            ),
        }
        labels = {"label": "Name", "yearly": "Every year"}
        help_texts = {"year": "", "label": ""}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class BaseImportantDateFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        birthdays = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("kind") == DateKind.BIRTHDAY
        ]
        if len(birthdays) > 1:
            raise ValidationError("A person has one birthday; name the other date instead.")



ImportantDateFormSet = forms.inlineformset_factory(
    Contact,
    ImportantDate,
    form=ImportantDateForm,
    formset=BaseImportantDateFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)

PREFIX = "dates"


def dates_formset(data, contact: Contact):
    """The contact form's date rows, bound to `data` on a POST. A POST that does not carry them
    (a page opened before they existed, a script) leaves the dates alone: None."""
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        return None
    return ImportantDateFormSet(data, instance=contact, prefix=PREFIX)
