"""Moving every row that points at one contact onto another, without naming the models of
the apps built on contacts: the foreign keys to Contact are read from Django's relation
metadata, so a model that an app adds later (a reminder, a sync card, a capture rule) moves
with the rest.

Two rules keep the database's constraints whole, and both follow what deleting the other
contact would have done with the row (its `on_delete`):
- a row that would name the survivor twice (a link between the two, a mentorship of one by
  the other, an intro of one to the other) loses that reference: SET_NULL clears it, CASCADE
  deletes the row;
- a row that would duplicate one the survivor already has under a unique constraint (the
  same email, the same tag, a second open cadence reminder) is the survivor's already: it is
  dropped the same way.
"""

from django.db import models

from ..models import Contact


def contact_foreign_keys() -> list:
    """Every foreign key to Contact in the project, those of many-to-many tables included.

    `Contact._meta.related_objects` leaves out the relations declared with related_name="+"
    (a sync card, a capture rule); `get_fields(include_hidden=True)` has them, and the hidden
    ones of the many-to-many tables (an interaction's people, an event's, a contact's tags)."""
    return [
        rel.field
        for rel in Contact._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]


def _label(fk) -> str:
    """What the user calls the rows behind `fk`: the model's plural name, or for the table of
    a many-to-many field, the rows on its other side ("interactions", "events", "tags")."""
    model = fk.model
    if model._meta.auto_created:
        far = next(f for f in model._meta.concrete_fields if f.is_relation and f is not fk)
        if far.related_model is not Contact:
            model = far.related_model
    return str(model._meta.verbose_name_plural)


def _rows(fk, contact_id):
    rows = fk.model._base_manager.filter(**{fk.attname: contact_id})
    if fk.model is Contact:
        rows = rows.exclude(pk=contact_id)
    return rows


def count_moves(other) -> dict[str, int]:
    """How many rows of each kind point at `other` and move with a merge (one count each)."""
    moves: dict[str, int] = {}
    for fk in contact_foreign_keys():
        if count := _rows(fk, other.pk).count():
            label = _label(fk)
            moves[label] = moves.get(label, 0) + count
    return moves


def _drop(rows, fk) -> None:
    """Treat `rows` as deleting the contact behind `fk` would."""
    if fk.remote_field.on_delete is models.SET_NULL:
        rows.update(**{fk.attname: None})
    else:
        rows.delete()


def _siblings(fk) -> list:
    """The row's other references to a contact."""
    return [
        f
        for f in fk.model._meta.concrete_fields
        if f.is_relation and f.related_model is Contact and f is not fk
    ]


def _unique_sets(model) -> list[tuple[tuple[str, ...], models.Q | None]]:
    """Each set of fields the database keeps unique, with the condition it holds under."""
    fields = model._meta.concrete_fields
    sets = [((f.name,), None) for f in fields if f.unique and not f.primary_key]
    sets += [(tuple(names), None) for names in model._meta.unique_together]
    sets += [
        (tuple(c.fields), c.condition)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    return sets


def _clear_self_references(fk, survivor_id, other_id) -> None:
    for sibling in _siblings(fk):
        twice = _rows(fk, other_id).filter(**{sibling.attname: survivor_id})
        if fk.remote_field.on_delete is models.SET_NULL:
            _drop(twice, fk)
        else:
            _drop(twice, sibling)
    if fk.model is Contact:  # the survivor itself, introduced by the other
        _drop(Contact._base_manager.filter(pk=survivor_id, **{fk.attname: other_id}), fk)


def _drop_duplicates(fk, survivor_id, other_id) -> None:
    model = fk.model
    for names, condition in _unique_sets(model):
        if fk.name not in names:
            continue
        rest = [n for n in names if n != fk.name]
        theirs = _rows(fk, other_id)
        mine = model._base_manager.filter(**{fk.attname: survivor_id})
        if condition is not None:
            theirs, mine = theirs.filter(condition), mine.filter(condition)
        taken = set(mine.values_list(*rest)) if rest else ({()} if mine.exists() else set())
        if not taken:
            continue
        rows = theirs.values_list("pk", *rest)
        duplicate = [pk for pk, *values in rows if tuple(values) in taken]
        if duplicate:
            _drop(model._base_manager.filter(pk__in=duplicate), fk)


def move_related_rows(survivor_id: int, other_id: int) -> dict[str, int]:
    """Point every row that references the other contact at the survivor; returns how many
    rows of each kind moved."""
    moved: dict[str, int] = {}
    for fk in contact_foreign_keys():
        _clear_self_references(fk, survivor_id, other_id)
        _drop_duplicates(fk, survivor_id, other_id)
        if count := _rows(fk, other_id).update(**{fk.attname: survivor_id}):
            label = _label(fk)
            moved[label] = moved.get(label, 0) + count
    return moved
