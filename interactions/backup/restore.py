"""Restoring a JSON backup (document.py) into an empty account, exactly: every row gets a new
id, and every reference to a row — foreign keys, many-to-many lists, and the ids inside a
follow-up's source key — points at the restored row, so the restored account behaves as the
original did (closing a give closes its reminder; "follow up with everyone I met" finds the
reminders it already made)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from contacts.models import Profile

from ..followups.keys import rewrite_source_key
from ..models import FollowUp
from .document import FORMAT, PROFILE_EXCLUDE, SECTIONS, VERSION


class RestoreError(Exception):
    """A JSON document that cannot be restored; the message is shown as is."""


def _parse_value(field, value):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return datetime.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value)
    return value


def _check(owner, document) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreError("This is not a network_crm JSON export.")
    if document.get("version") != VERSION:
        raise RestoreError(f"Unsupported export version {document.get('version')!r}.")
    for key, model, path in SECTIONS:
        if model.objects.filter(**{path: owner}).exists():
            raise RestoreError(
                f"A JSON export can only be restored into an empty account (this one has {key})."
            )


def _restore_profile(owner, values) -> None:
    profile, _ = Profile.objects.get_or_create(owner=owner)
    for name, value in values.items():
        field = Profile._meta.get_field(name)
        if name not in PROFILE_EXCLUDE and not field.is_relation:
            setattr(profile, name, _parse_value(field, value))
    profile.save()


class _Restore:
    """One restore: the new id of every restored row, per model, and the references that can
    only be set once their rows exist."""

    def __init__(self, owner):
        self.owner = owner
        self.ids: dict[type, dict] = {model: {} for _, model, _ in SECTIONS}
        # (row, field name, target model, old id or ids): references to rows restored later.
        self.later: list[tuple[models.Model, str, type, object]] = []

    def section(self, key, model, path, rows) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.generated}
        fields.update({f.name: f for f in model._meta.many_to_many})
        pending = []
        for data in rows:
            obj = model(owner=self.owner) if path == "owner" else model()
            m2m = {}
            for name, value in data.items():
                field = fields.get(name)
                if name == "id" or field is None:  # a field this version no longer has
                    continue
                if field.many_to_many:
                    m2m[field.name] = value
                elif field.is_relation:
                    self._reference(obj, field, value, key, data)
                else:
                    setattr(obj, field.name, self._value(obj, field, value, key, data))
            obj.save()
            self.ids[model][data["id"]] = obj.pk
            self._keep_stamps(obj, data)
            pending.append((obj, m2m))
        for obj, m2m in pending:
            for name, values in m2m.items():
                target = model._meta.get_field(name).related_model
                if target not in self.ids:
                    continue
                if target is model or any(v not in self.ids[target] for v in values):
                    # People met at an event are contacts, restored after events.
                    self.later.append((obj, name, target, values))
                else:
                    getattr(obj, name).set([self.ids[target][v] for v in values])

    def _reference(self, obj, field, value, key, data) -> None:
        target = field.related_model
        if value is None or target is get_user_model():
            return
        if target is type(obj):
            self.later.append((obj, field.attname, target, value))
            return
        if value not in self.ids.get(target, {}):
            raise RestoreError(
                f"{key}: row {data.get('id')} points at a missing {target.__name__} {value}."
            )
        setattr(obj, field.attname, self.ids[target][value])

    def _value(self, obj, field, value, key, data):
        value = _parse_value(field, value)
        if value in (None, ""):
            return value
        if isinstance(obj, FollowUp) and field.name == "source_key":
            # Every row it names was restored above (follow-ups come last).
            return rewrite_source_key(value, self.ids, retire_unknown=True)
        # A crafted file must not store what a form would refuse (a javascript: URL).
        try:
            field.run_validators(value)
        except ValidationError as exc:
            raise RestoreError(
                f"{key}: row {data.get('id')}, {field.name}: {' '.join(exc.messages)}"
            ) from None
        return value

    @staticmethod
    def _keep_stamps(obj, data) -> None:
        """auto_now(_add) fields are overwritten on save; put the exported times back."""
        stamps = {
            f.name: _parse_value(f, data[f.name])
            for f in type(obj)._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if data.get(f.name)
        }
        if stamps:
            type(obj).objects.filter(pk=obj.pk).update(**stamps)

    def finish(self) -> None:
        for obj, name, target, value in self.later:
            if isinstance(value, list):
                known = self.ids[target]
                getattr(obj, name).set([known[v] for v in value if v in known])
            elif value in self.ids[target]:
                type(obj).objects.filter(pk=obj.pk).update(**{name: self.ids[target][value]})


def import_document(owner, document: dict) -> dict:
    """Restore an export_document into `owner`'s account, which must be empty. All or
    nothing: one transaction. Returns the number of rows per section."""
    _check(owner, document)
    restore = _Restore(owner)
    counts = {}
    with transaction.atomic():
        if document.get("profile"):
            _restore_profile(owner, document["profile"])
        for key, model, path in SECTIONS:
            rows = document.get(key) or []
            restore.section(key, model, path, rows)
            counts[key] = len(rows)
        restore.finish()
    return counts
