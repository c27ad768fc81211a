"""What merging one contact into another keeps, field by field, and how many rows move.

Every field the user edits is either chosen or combined:
- text the user wrote (notes, what they are working on, why it matters, how we met) is never
  dropped: when both contacts have some, the survivor's and the other's are joined;
- every other field that differs between the two is a choice (the survivor's by default); a
  field only one of them has is taken from that one.
Computed columns (strength, last interaction, next follow-up) are recomputed after the merge.
"""

from dataclasses import dataclass, field

from ..models import Contact
from .relations import count_moves

# Written by the user as prose: kept from both sides.
TEXT_FIELDS = ("notes", "working_on", "why_it_matters", "how_we_met")
# Computed from other rows after the merge, never chosen.
COMPUTED_FIELDS = (
    "last_interaction_at", "next_follow_up_on", "strength", "interaction_count", "revived_at",
    "quiet_since",
)
# Between two texts joined in the survivor's field.
SEPARATOR = "\n\n"

SURVIVOR, OTHER = "survivor", "other"


class MergeError(Exception):
    """Two contacts that cannot be merged (different owners, the same contact)."""


@dataclass
class FieldPlan:
    name: str
    label: str
    survivor: str
    other: str
    result: str
    source: str  # "kept", "from other", "combined", "same", "choice"
    choice: object = None  # on the merge screen, the radio buttons of a "choice"


@dataclass
class MergePlan:
    survivor: Contact
    other: Contact
    fields: list[FieldPlan] = field(default_factory=list)
    moves: dict[str, int] = field(default_factory=dict)

    @property
    def choices(self) -> list[FieldPlan]:
        """The fields where the user picks one side."""
        return [f for f in self.fields if f.source == "choice"]


def chosen_fields() -> list:
    """The contact's fields that merging chooses between: what the user edits, minus the text
    that is combined and the computed columns."""
    return [
        f
        for f in Contact._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and not f.generated
        and f.name != "owner"
        and f.name not in TEXT_FIELDS + COMPUTED_FIELDS
    ]


def check(survivor, other) -> None:
    if survivor.pk == other.pk:
        raise MergeError("A contact cannot be merged into itself.")
    if survivor.owner_id != other.owner_id:
        raise MergeError("Both contacts must belong to the same user.")


def _is_blank(value) -> bool:
    return value in (None, "")


def _value(contact, model_field, *, exclude_pk=None):
    value = getattr(contact, model_field.name)
    # The other contact introduced the survivor (or the reverse): after the merge that would
    # be a person introduced by themselves.
    if model_field.is_relation and value is not None and value.pk == exclude_pk:
        return None
    return value


def display(contact, model_field, value) -> str:
    if value is None:
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def combined_text(mine: str, theirs: str) -> tuple[str, str]:
    """The survivor's text and the other's, both kept: (result, source)."""
    if mine and theirs:
        if theirs in mine:
            return mine, "same" if mine == theirs else "kept"
        if mine in theirs:
            return theirs, "from other"
        return f"{mine}{SEPARATOR}{theirs}", "combined"
    if theirs:
        return theirs, "from other"
    return mine, "same" if mine == theirs else "kept"


def merged_values(survivor, other, choices=None) -> dict:
    """The survivor's field values after the merge. `choices` maps a field name to "other"
    where the user picked the other contact's value; any other field keeps the survivor's."""
    choices = choices or {}
    values = {}
    for model_field in chosen_fields():
        mine = _value(survivor, model_field, exclude_pk=other.pk)
        theirs = _value(other, model_field, exclude_pk=survivor.pk)
        if _is_blank(mine) or (choices.get(model_field.name) == OTHER and not _is_blank(theirs)):
            values[model_field.name] = theirs
        else:
            values[model_field.name] = mine
    for name in TEXT_FIELDS:
        values[name] = combined_text(getattr(survivor, name), getattr(other, name))[0]
    return values


def plan_merge(survivor: Contact, other: Contact, choices=None) -> MergePlan:
    """What merging `other` into `survivor` keeps, field by field (with the user's `choices`
    applied), and how many related rows move (one count per relation)."""
    check(survivor, other)
    plan = MergePlan(survivor=survivor, other=other)
    values = merged_values(survivor, other, choices)
    for model_field in chosen_fields():
        mine = _value(survivor, model_field, exclude_pk=other.pk)
        theirs = _value(other, model_field, exclude_pk=survivor.pk)
        if mine == theirs:
            source = "same"
        elif _is_blank(theirs):
            source = "kept"
        elif _is_blank(mine):
            source = "from other"
        else:
            source = "choice"
        plan.fields.append(
            FieldPlan(
                model_field.name,
                str(model_field.verbose_name).capitalize(),
                display(survivor, model_field, mine),
                display(other, model_field, theirs),
                display(survivor, model_field, values[model_field.name]),
                source,
            )
        )
    for name in TEXT_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        result, source = combined_text(mine, theirs)
        label = str(Contact._meta.get_field(name).verbose_name).capitalize()
        plan.fields.append(FieldPlan(name, label, mine, theirs, result, source))
    for label, relation, attribute in (
        ("Emails", "emails", "email"),
        ("Phones", "phones", "number"),
        ("Tags", "tags", "name"),
    ):
        own = [getattr(row, attribute) for row in getattr(survivor, relation).all()]
        theirs = [getattr(row, attribute) for row in getattr(other, relation).all()]
        plan.fields.append(
            FieldPlan(
                label.lower(),
                label,
                ", ".join(own),
                ", ".join(theirs),
                ", ".join(sorted(set(own) | set(theirs))),
                "combined" if set(theirs) - set(own) else "kept",
            )
        )
    plan.moves = count_moves(other)
    return plan
