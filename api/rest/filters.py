"""List filters from a Django form of query parameters, and ordering with a tie-break so the
cursor pagination never skips or repeats a row."""

from datetime import UTC

from django import forms
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter


class QueryBoolean(forms.Field):
    """`true` or `false` (also 1 or 0); anything else is an error, not a silent true."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() not in self.VALUES:
            raise forms.ValidationError("Use true or false.")
        return self.VALUES[str(value).lower()]


def _schema(field) -> dict:
    if isinstance(field, QueryBoolean):
        return {"type": "boolean"}
    if isinstance(field, forms.DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        return schema
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value, _ in field.choices if value != ""]}
    return {"type": "string"}


class FormFilter(BaseFilterBackend):
    """`view.filter_form` validates the query parameters of a list; a bad value is a 400 that
    names the parameter. `view.filter_list(queryset, cleaned_data)` applies them."""

    def filter_queryset(self, request, queryset, view):
        form_class = getattr(view, "filter_form", None)
        if form_class is None or getattr(view, "action", None) != "list":
            return queryset
        form = form_class(request.query_params)
        if not form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        # An empty date, number or choice is a mistake to report, not "no filter".
        empty = [
            name for name, field in form.fields.items()
            if request.query_params.get(name) == "" and type(field) is not forms.CharField
        ]
        if empty:
            raise ValidationError({name: ["Give a value, or leave the parameter out."]
                                   for name in empty})
        return view.filter_list(queryset, form.cleaned_data)

    def get_schema_operation_parameters(self, view):
        form_class = getattr(view, "filter_form", None)
        if form_class is None:
            return []
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(field.help_text),
                "schema": _schema(field),
            }
            for name, field in form_class.base_fields.items()
        ]


class Ordering(OrderingFilter):
    """`?ordering=name` or `-name`, among the view's `ordering_fields`; the id breaks ties."""

    def get_ordering(self, request, queryset, view):
        asked = request.query_params.get(self.ordering_param)
        if asked is not None:
            allowed = {f for name in view.ordering_fields for f in (name, f"-{name}")}
            if not asked or any(term.strip() not in allowed for term in asked.split(",")):
                raise ValidationError({self.ordering_param: [
                    f"Sort by one of {', '.join(view.ordering_fields)}, or - and one of them."
                ]})
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return ordering

    def get_schema_operation_parameters(self, view):
        fields = [f for f in getattr(view, "ordering_fields", [])]
        return [
            {
                "name": self.ordering_param,
                "in": "query",
                "required": False,
                "description": f"Sort by one of {', '.join(fields)}; prefix with - to reverse.",
                "schema": {"type": "string", "enum": [*fields, *(f"-{f}" for f in fields)]},
            }
        ]


class SinceForm(forms.Form):
    updated_since = forms.DateTimeField(
        required=False, help_text="Only rows changed at or after this moment (ISO 8601)."
    )

    def clean_updated_since(self):
        value = self.cleaned_data["updated_since"]
        if value is None:
            return None
        try:
            # In UTC: the database takes offsets up to ±15:59 only, ISO 8601 up to ±23:59.
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("That moment is out of range.") from None
