"""The contact picker as a form widget: a field that chooses among the owner's contacts renders
a search box (active search against contacts:search) and the contacts chosen so far, never one
option per contact, so a form's page stays the same size at 30 contacts and at 30,000.

The field itself stays a ModelChoiceField / ModelMultipleChoiceField over the owner's contacts:
a stranger's id, or one the form's queryset leaves out, is a field error as before."""

import json

from django import forms

from .selectors import search_contacts

# The names of the no-JavaScript buttons (templates/contacts/widgets/contact_picker.html): Find,
# whose value is the name of the picker it searches, and the form's default button, which Enter
# in a text field presses.
FIND = "picker_find"
ENTER = "picker_enter"


def chosen_ids(value) -> list[str]:
    """The ids in a picker's value (an id, a list of ids or of contacts, or nothing)."""
    if value in (None, ""):
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    return [str(getattr(v, "pk", v)) for v in values if str(getattr(v, "pk", v)).isdigit()]


class ContactPicker(forms.Widget):
    """One contact (picking another replaces it); `ContactsPicker` keeps several."""

    template_name = "contacts/widgets/contact_picker.html"
    allow_multiple_selected = False

    def __init__(self, attrs=None):
        super().__init__(attrs)
        # Set by ContactPickerFormMixin: whose contacts a no-JavaScript Find searches, what was
        # typed in this picker's search box, and contacts never to offer (the contact itself).
        self.owner = None
        self.search_text = ""
        self.exclude_ids = ()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = chosen_ids(value)
        # The field's own (owner-scoped) queryset, so only the owner's contacts show as chosen.
        chosen = []
        if ids:
            rows = self.choices.queryset.filter(pk__in=ids).only("id", "name")
            chosen = list(rows.order_by("name"))
        if not self.allow_multiple_selected:
            chosen = chosen[:1]
        attrs = context["widget"]["attrs"]
        attrs.pop("required", None)  # the search box may stay empty once someone is chosen
        results = []
        if self.search_text and self.owner is not None:
            results = search_contacts(
                self.owner, self.search_text, exclude_ids=[*ids, *self.exclude_ids]
            )
        context["picker"] = {
            "single": not self.allow_multiple_selected,
            "chosen": chosen,
            "q": self.search_text,
            "results": results,
            # For contacts:search: name its matches after this field, leave out `exclude_ids`.
            "search_vals": json.dumps({"field": name, "exclude": list(self.exclude_ids)}),
            # Django puts the help text's id here; the search box is what it describes.
            "described_by": attrs.pop("aria-describedby", ""),
        }
        return context

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # An unticked chip posts nothing: that clears the field, it does not leave it out.
        return False


class ContactsPicker(ContactPicker):
    allow_multiple_selected = True


class ContactPickerFormMixin:
    """For forms whose contact fields use the picker widgets. `set_up_contact_pickers(owner)`
    (at the end of __init__) lets the pickers search the owner's contacts; when the form was
    posted by a picker's Find button (no JavaScript), the form turns into an unbound one that
    shows what was posted and the picker's matches, so the view renders it instead of saving.
    Enter (no JavaScript) saves, unless a picker's search box holds a name not found yet: that
    Enter finds it, as it would have with JavaScript, rather than save without that person."""

    def set_up_contact_pickers(self, owner, **exclude_ids) -> None:
        pickers = {
            name: field.widget
            for name, field in self.fields.items()
            if isinstance(field.widget, ContactPicker)
        }
        for name, widget in pickers.items():
            widget.owner = owner
            widget.exclude_ids = tuple(str(pk) for pk in exclude_ids.get(name, ()) if pk)
        if not self.is_bound:
            return
        finding = self.data.get(FIND)
        if not finding and self.data.get(ENTER):
            finding = next(
                (
                    self.add_prefix(name)
                    for name in pickers
                    if self.data.get(f"{self.add_prefix(name)}_q", "").strip()
                ),
                None,
            )
        if not finding:
            return
        self.is_bound = False
        self.initial = {
            **self.initial,
            **{
                name: field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
                for name, field in self.fields.items()
                if not field.disabled
            },
        }
        searched = pickers.get(finding.removeprefix(self.prefix + "-") if self.prefix else finding)
        if searched is not None:
            searched.search_text = self.data.get(f"{finding}_q", "").strip()
