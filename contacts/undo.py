"""Undo for the contacts list's bulk actions (network_crm.undo, kind "contacts-bulk"): before
the action, each selected contact's value of the field it sets (or, for "Add tag", who did not
have the tag yet, and whether the tag is new) goes into the token; undoing puts those values
back. A contact whose field was changed again since keeps that later value.

Deleting an event or a link can be undone too (network_crm.undo.register_delete, kinds EVENT
and LINK): the token holds the row, its people met and what went with it, put back as it was.
So can deleting a contact (contacts.deleted): its copy is stored, the token names it.
"""

from network_crm import undo as undo_core

from .models import Contact, Tag
from .services import refresh_schedules

KIND = "contacts-bulk"
EVENT = "event-deleted"
LINK = "link-deleted"
# The field each action sets, and the value it sets it to (None: the form's value).
FIELDS = {
    "archive": ("archived", True),
    "unarchive": ("archived", False),
    "cadence": ("cadence_days", None),
    "tier": ("tier", None),
    "circle": ("circle", None),
    "discipline": ("discipline", None),
}
# Fields the follow-up schedule depends on (contacts.services.bulk_update_contacts).
SCHEDULED = {"archived", "cadence_days", "tier"}


def make_token(owner, contact_ids: list[int], action: str, *, tag: str = "", value=None) -> str:
    """Call before the bulk action: what it is about to change, signed for `owner`."""
    contacts = Contact.objects.filter(owner=owner, pk__in=contact_ids)
    if action == "tag":
        has_it = contacts.filter(tags__owner=owner, tags__name__iexact=tag.strip())
        lacking = contacts.exclude(pk__in=has_it.values("pk")).values_list("pk", flat=True)
        new = not Tag.objects.filter(owner=owner, name__iexact=tag.strip()).exists()
        payload = {"a": action, "tag": tag.strip(), "ids": sorted(lacking), "new": new}
    else:
        field, fixed = FIELDS[action]
        payload = {
            "a": action,
            "set": fixed if fixed is not None else value,
            "was": sorted(contacts.values_list("pk", field)),
        }
    return undo_core.make_token(owner, KIND, payload)


def put_back(owner, payload: dict) -> undo_core.Undone:
    """Undo a bulk action (undo_core.undo checked the token)."""
    if payload["a"] == "tag":
        through = Contact.tags.through
        # The tag the action added (services.get_or_create_tags picks the same one).
        tag = Tag.objects.filter(owner=owner, name__iexact=payload["tag"]).first()
        removed, _ = through.objects.filter(
            tag=tag, contact_id__in=payload["ids"], contact__owner=owner
        ).delete()
        # A tag the action made goes too, unless a contact has been given it since.
        if payload.get("new") and tag is not None and not tag.contacts.exists():
            tag.delete()
        return _undone(removed)
    field, _ = FIELDS[payload["a"]]
    by_old_value: dict = {}
    for pk, old in payload["was"]:
        by_old_value.setdefault(old, []).append(pk)
    restored = []
    for old, pks in by_old_value.items():
        # Only rows the action left as they are: a later change stands.
        still = Contact.objects.filter(owner=owner, pk__in=pks, **{field: payload["set"]})
        ids = list(still.values_list("pk", flat=True))
        Contact.objects.filter(pk__in=ids).update(**{field: old})
        restored += ids
    if field in SCHEDULED and restored:
        refresh_schedules(restored)
    return _undone(len(restored))


def _undone(count: int) -> undo_core.Undone:
    # The list has no event to refresh it: the page reloads with the message.
    return undo_core.Undone([f"{count} contact{'s' if count != 1 else ''}"], reload=True)
