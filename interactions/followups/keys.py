"""The grammar of a follow-up's `source_key`: which of its parts are ids, and of which rows.

A key names what created the follow-up ("cadence:<contact>:<date>", "interaction:<id>:<contact>",
"give:<support>", "event:<id>:<contact>", "mentorship:<id>:<date>"), and the unique
(owner, source_key) makes every creation idempotent. So when rows get new ids (a backup
restored into another account) or a contact takes another's place (a merge), the keys must be
rewritten too, or the next creation for the same source makes a second follow-up and closing a
give no longer finds its reminder.
"""

from collections.abc import Mapping

from contacts.models import Contact, Event

from ..models import Interaction, Mentorship, Support

# Kind (the key's first part) → the model each following part is an id of; None: not an id.
ID_PARTS: dict[str, tuple] = {
    "cadence": (Contact, None),
    "interaction": (Interaction, Contact),
    "give": (Support,),
    "event": (Event, Contact),
    "mentorship": (Mentorship, None),
}
# Marks an id whose row no longer exists, so that it never matches a new row's id.
RETIRED = "gone"


def rewrite_source_key(
    key: str, new_ids: Mapping[type, Mapping[int, int]], *, retire_unknown: bool = False
) -> str:
    """`key` with each id part replaced through `new_ids` ({model: {old id: new id}}).

    Ids that `new_ids` does not map stay as they are, unless `retire_unknown` (a restore, where
    every live row has a new id): then they become "gone<id>", which no future row can have."""
    kind, *parts = key.split(":")
    models = ID_PARTS.get(kind, ())
    for position, (model, part) in enumerate(zip(models, parts, strict=False)):
        if model is None or not part.isdigit():
            continue
        mapped = new_ids.get(model, {}).get(int(part))
        if mapped is not None:
            parts[position] = str(mapped)
        elif retire_unknown:
            parts[position] = f"{RETIRED}{part}"
    return ":".join([kind, *parts])
