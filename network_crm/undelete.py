"""A copy of everything a delete takes away, and putting it back with the same ids: what the
Undo of a delete (network_crm.undo) spends.

The copy is found the way the delete finds it, with Django's deletion collector: the row, the
rows that cascade with it (an interaction's promised follow-ups, a contact's emails), the rows
of its many-to-many links (an interaction's contacts, an event's people met) and the foreign
keys the delete sets to NULL (a give that pointed at the interaction). So a model added later
is copied without anyone remembering to add it here.

Putting back keeps every row's id (pages, bookmarks and follow-up source keys that name it keep
working) and its timestamps. A row that points at something deleted since is put back without
that link when the link may be empty, else left out with what depends on it; a NULLed key is
set again only where it is still NULL: a later change stands.
"""

import datetime
import json
from collections import defaultdict

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, router, transaction


class _Encoder(DjangoJSONEncoder):
    # Times to the microsecond: Django's encoder cuts them to milliseconds, and a row put back
    # must be the row that was deleted (its place in a list ordered by time included).
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def copy_before_delete(obj: models.Model) -> dict:
    """What deleting `obj` would take away, as JSON-ready data for `put_back`. A fixed number
    of queries per kind of row, whatever the number of rows."""
    collector = models.deletion.Collector(using=router.db_for_write(type(obj)), origin=obj)
    collector.collect([obj])
    collector.sort()
    by_model: dict[type, list] = {}
    # Parents first (the collector sorts a parent after its children, the order of a delete).
    for model, instances in reversed(list(collector.data.items())):
        if model is type(obj) and len(instances) == 1 and not obj.get_deferred_fields():
            by_model[model] = [obj]
        else:
            # The collector loads only the keys of rows that no signal listens to.
            pks = [o.pk for o in instances]
            by_model[model] = list(model._base_manager.filter(pk__in=pks).order_by("pk"))
    for queryset in collector.fast_deletes:
        # Rows the delete removes without loading them: many-to-many links, leaf rows.
        by_model.setdefault(queryset.model, []).extend(queryset.order_by("pk"))
    rows = []
    for model, objs in by_model.items():
        fields = [f.name for f in model._meta.concrete_fields if not (f.primary_key or f.generated)]
        rows += serializers.serialize("python", objs, fields=fields)
    nulled = []
    for (field, value), batches in collector.field_updates.items():
        if value is not None:
            raise NotImplementedError("Only on_delete=SET_NULL can be undone.")
        pairs = set()
        for batch in batches:
            if isinstance(batch, models.QuerySet):
                pairs.update(batch.values_list("pk", field.attname))
            else:
                pairs.update((o.pk, getattr(o, field.attname)) for o in batch)
        if pairs:
            nulled.append([field.model._meta.label_lower, field.name, sorted(pairs)])
    copy = {"origin": [type(obj)._meta.label_lower, obj.pk], "rows": rows, "nulled": nulled}
    # JSON-native (what a signed token or a JSONField holds).
    return json.loads(json.dumps(copy, cls=_Encoder))


def copied_pks(copy: dict, model: type[models.Model]) -> list:
    """The ids of the rows of `model` in a copy."""
    label = model._meta.label_lower
    return [row["pk"] for row in copy["rows"] if row["model"] == label]


def copied_values(copy: dict, model: type[models.Model], field: str) -> list:
    """One field of the rows of `model` in a copy (the contacts of an interaction's links)."""
    label = model._meta.label_lower
    return [row["fields"][field] for row in copy["rows"] if row["model"] == label]


class PutBackError(Exception):
    """The copy cannot go back (a row it holds clashes with one made since)."""


def put_back(copy: dict, owner) -> models.Model | None:
    """Put back the rows of a copy; the origin row, or None when it is back already (an Undo
    spent twice) or not `owner`'s."""
    label, pk = copy["origin"]
    origin_model = apps.get_model(label)
    if origin_model._base_manager.filter(pk=pk).exists():
        return None
    by_model: dict[type, list] = defaultdict(list)
    for deserialized in serializers.deserialize("python", copy["rows"], ignorenonexistent=True):
        by_model[type(deserialized.object)].append(deserialized.object)
    origin = next((o for o in by_model[origin_model] if o.pk == pk), None)
    if origin is None or getattr(origin, "owner_id", owner.pk) != owner.pk:
        return None
    _drop_dangling(by_model)
    if origin not in by_model[origin_model]:
        return None
    try:
        with transaction.atomic():
            for model, objs in by_model.items():
                _insert(model, objs)
            _set_nulled_again(copy["nulled"], by_model)
    except IntegrityError as error:
        raise PutBackError(str(error)) from error
    return origin


def _insert(model, objs) -> None:
    if not objs:
        return
    stamps = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    kept = [[getattr(o, name) for name in stamps] for o in objs]
    # A row that clashes with one made since on a unique rule (a second open reminder for the
    # same contact, an email given to another contact) stays out; the newer one stands.
    model._base_manager.bulk_create(objs, ignore_conflicts=True)
    if stamps:
        # bulk_create set auto_now(_add) fields to now: the copy's times go back.
        for obj, values in zip(objs, kept, strict=True):
            for name, value in zip(stamps, values, strict=True):
                setattr(obj, name, value)
        model._base_manager.bulk_update(objs, stamps)


def _existing(wanted: dict[type, set]) -> dict[type, set]:
    """Of the ids wanted per model, those that exist: one query per model."""
    return {
        model: set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        for model, ids in wanted.items()
        if ids
    }


def _drop_dangling(by_model: dict[type, list]) -> None:
    """Unlink (or leave out) rows that point at a row gone since the delete."""
    relations = {
        model: [f for f in model._meta.concrete_fields if f.many_to_one] for model in by_model
    }
    wanted: dict[type, set] = defaultdict(set)
    for model, objs in by_model.items():
        for field in relations[model]:
            wanted[field.related_model].update(
                v for o in objs if (v := getattr(o, field.attname)) is not None
            )
    existing = _existing(wanted)
    while True:
        restored = {model: {o.pk for o in objs} for model, objs in by_model.items()}
        dropped = False
        for model, objs in by_model.items():
            kept = []
            for obj in objs:
                for field in relations[model]:
                    value = getattr(obj, field.attname)
                    target = field.related_model
                    if value is None or value in restored.get(target, ()):
                        continue
                    if value in existing.get(target, ()):
                        continue
                    if not field.null:
                        break
                    setattr(obj, field.attname, None)
                else:
                    kept.append(obj)
                    continue
                dropped = True
            objs[:] = kept
        if not dropped:
            return


def _set_nulled_again(nulled: list, by_model: dict[type, list]) -> None:
    restored = {model: {o.pk for o in objs} for model, objs in by_model.items()}
    for label, name, pairs in nulled:
        model = apps.get_model(label)
        field = model._meta.get_field(name)
        target, attname = field.related_model, field.attname
        by_value = defaultdict(list)
        for row_pk, value in pairs:
            if value in restored.get(target, ()):
                by_value[value].append(row_pk)
        for value, pks in by_value.items():
            model._base_manager.filter(pk__in=pks, **{f"{attname}__isnull": True}).update(
                **{attname: value}
            )
