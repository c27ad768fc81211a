"""Restoring a JSON backup (document.py) into an empty account, exactly: every row gets a new
id, and every reference to a row — foreign keys, many-to-many lists, and the ids inside a
follow-up's source key — points at the restored row, so the restored account behaves as the
original did (closing a give closes its reminder; "follow up with everyone I met" finds the
reminders it already made)."""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from contacts.models import Contact, Profile
from network_crm import fragment_cache

from ..followups.keys import rewrite_source_key
from ..insights.activity import past_weeks_changed
from ..insights.ties import store_touch_history
from ..models import FollowUp
from .document import FORMAT, PROFILE_EXCLUDE, SECTIONS, VERSION

# Rows per INSERT: a few hundred kilobytes of parameters, and a bounded list in memory.
BATCH_SIZE = 2000


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
    ensure_empty(owner)


def ensure_empty(owner) -> None:
    """RestoreError unless the account holds none of the rows a backup restores."""
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
    only be set once their rows exist.

    Rows are written with bulk_create, a batch at a time: a per-row save() with its signals
    took 14 minutes for 1,000 contacts and 10,000 interactions on a loaded machine. Nothing
    listens for these rows in an empty account but the cached pages, forgotten at the end."""

    def __init__(self, owner, progress: Callable[[int], None] | None = None):
        self.owner = owner
        self.progress = progress
        self.done = 0
        self.ids: dict[type, dict] = {model: {} for _, model, _ in SECTIONS}
        # (row, field name, target model, old id): references to rows restored later.
        self.later: list[tuple[models.Model, str, type, object]] = []
        # (many-to-many field, new id of the row, old ids of the rows it holds).
        self.links: list[tuple[models.ManyToManyField, int, list]] = []

    def section(self, key, model, path, rows) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.generated}
        fields.update({f.name: f for f in model._meta.many_to_many})
        stamps = [
            f
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            objs, m2m = [], []
            for data in batch:
                obj = model(owner=self.owner) if path == "owner" else model()
                for name, value in data.items():
                    field = fields.get(name)
                    if name == "id" or field is None:  # a field this version no longer has
                        continue
                    if field.many_to_many:
                        m2m.append((obj, field, value))
                    elif field.is_relation:
                        self._reference(obj, field, value, key, data)
                    else:
                        setattr(obj, field.name, self._value(obj, field, value, key, data))
                objs.append(obj)
            model.objects.bulk_create(objs)
            for obj, data in zip(objs, batch, strict=True):
                self.ids[model][data["id"]] = obj.pk
            self.links += [(field, obj.pk, values) for obj, field, values in m2m]
            self.done += len(batch)
            if stamps:
                # auto_now(_add) fields were set to now by bulk_create: put the exported back.
                for obj, data in zip(objs, batch, strict=True):
                    for f in stamps:
                        if data.get(f.name):
                            setattr(obj, f.attname, _parse_value(f, data[f.name]))
                model.objects.bulk_update(objs, [f.name for f in stamps])
            if self.progress:
                self.progress(self.done)

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

    def finish(self) -> None:
        for obj, name, target, value in self.later:
            if value in self.ids[target]:
                type(obj).objects.filter(pk=obj.pk).update(**{name: self.ids[target][value]})
        # Many-to-many rows last: people met at an event are contacts, restored after events.
        by_table = defaultdict(list)
        for field, pk, values in self.links:
            through = field.remote_field.through
            known = self.ids.get(field.related_model, {})
            by_table[through] += [
                through(**{field.m2m_column_name(): pk, field.m2m_reverse_name(): known[v]})
                for v in values
                if v in known
            ]
        for through, rows in by_table.items():
            through.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def row_count(document: dict) -> int:
    """The rows a restore of `document` writes (its progress runs up to this)."""
    return sum(len(document.get(key) or []) for key, _, _ in SECTIONS)


def import_document(owner, document: dict, progress: Callable[[int], None] | None = None) -> dict:
    """Restore an export_document into `owner`'s account, which must be empty. All or
    nothing: one transaction. Returns the number of rows per section. `progress` is called
    with the rows written so far after each batch; an exception it raises undoes the restore."""
    _check(owner, document)
    restore = _Restore(owner, progress)
    counts = {}
    with transaction.atomic():
        if document.get("profile"):
            _restore_profile(owner, document["profile"])
        for key, model, path in SECTIONS:
            rows = document.get(key) or []
            restore.section(key, model, path, rows)
            counts[key] = len(rows)
        restore.finish()
        if any("interaction_count" not in row for row in document.get("contacts") or []):
            # A backup made before contacts stored their touch history: derived from the rows.
            store_touch_history(Contact.objects.filter(owner=owner).values_list("pk", flat=True))
        fragment_cache.invalidate(owner.pk)
        past_weeks_changed(owner.pk)
    return counts
