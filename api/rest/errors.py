"""Every error as JSON: `detail` says what went wrong, `errors` lists each field and reason.

    {"detail": "Invalid input.", "errors": [{"field": "emails.0.email", "reason": "Enter a
     valid email address.", "code": "invalid"}]}
"""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Dotted path of the field; null for the whole request.")
    reason = serializers.CharField()
    code = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = FieldErrorSerializer(many=True)


def _flatten(data, path=""):
    if isinstance(data, dict):
        for key, value in data.items():
            name = "" if key in ("non_field_errors", "detail") else str(key)
            yield from _flatten(value, f"{path}.{name}".strip(".") if name else path)
    elif isinstance(data, list):
        if all(not isinstance(item, (dict, list)) for item in data):
            for item in data:
                yield {"field": path or None, "reason": str(item),
                       "code": getattr(item, "code", "invalid")}
        else:
            for index, item in enumerate(data):
                yield from _flatten(item, f"{path}.{index}".strip("."))
    else:
        yield {"field": path or None, "reason": str(data), "code": getattr(data, "code", "invalid")}


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {"detail": "Invalid input.", "errors": list(_flatten(response.data))}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "detail": str(detail),
            "errors": [],
        }
    return response
