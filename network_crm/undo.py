"""Undo for any write the user may regret: before the write, the state to come back to is kept
in a signed, time-limited token that only its owner can spend; the message after the write
carries it in an Undo button (templates/includes/undo_note.html), and spending it puts that
state back.

The token is the only copy (no table, nothing to clean up), but for a deleted contact; its
signature binds it to the user and to one *kind* of undo. Each app registers what a kind puts
back (`register`, from its AppConfig.ready): the dashboard's Done, Snooze and Dismiss
(interactions.followups.undo), the contacts list's bulk actions (contacts.undo), and deletes
(`register_delete`: the token holds a copy of what the delete took away, network_crm.undelete).
A contact's copy is too big for a token (years of conversations, tens of KB): it is kept in a
table for the Undo window and the token names it (contacts.deleted). A row changed again since
the action is left alone by every kind: that later change stands.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from . import fragment_cache, undelete

SALT = "network_crm.undo"
# Long enough to notice a wrong click and come back to it; short enough that an old page
# cannot wind back a week of later changes.
UNDO_SECONDS = 10 * 60


@dataclass(frozen=True)
class Undone:
    """What an undo put back: the names of the people concerned, the htmx events that refresh
    what shows them, and whether the page must reload instead (a list with no such event)."""

    names: list[str]
    events: tuple[str, ...] = ()
    reload: bool = False


class UndoError(Exception):
    """The token is expired, forged, or someone else's: the message says which."""


_KINDS: dict[str, Callable[[object, dict], Undone]] = {}


def register(kind: str, put_back: Callable[[object, dict], Undone]) -> None:
    """`put_back(user, payload)` restores what `make_token(user, kind, payload)` kept."""
    _KINDS[kind] = put_back


def make_token(user, kind: str, payload: dict) -> str:
    """Call before the write: the state to come back to, signed for `user`."""
    if kind not in _KINDS:
        raise ValueError(f"No undo registered for {kind!r}")
    return signing.dumps({"u": user.pk, "k": kind, "p": payload}, salt=SALT, compress=True)


def register_delete(kind: str, after: Callable[[object, dict], None] | None = None) -> None:
    """A kind that undoes a delete: its token holds the copy of what the delete took away
    (`delete_token`); `after(restored_row, copy)` recomputes what the delete had moved (a
    contact's last interaction, its strength)."""

    def put_back_deleted(user, copy: dict) -> Undone:
        return put_back_copy(user, copy, after)

    register(kind, put_back_deleted)


def put_back_copy(
    user, copy: dict, after: Callable[[object, dict], None] | None = None
) -> Undone:
    """Put back a copy made by undelete.copy_before_delete (held by the token, or stored when
    too big for one: contacts.deleted)."""
    try:
        restored = undelete.put_back(copy, user)
    except undelete.PutBackError:
        raise UndoError("That cannot be put back: something made since takes its place.") from None
    if restored is None:
        return Undone([])  # put back already
    if after is not None:
        after(restored, copy)
    # The lists it left have no event to show it again: the page reloads.
    return Undone([str(restored)], reload=True)


def delete_token(user, kind: str, obj) -> str:
    """Call before deleting `obj`: a copy of all the delete takes away, signed for `user`."""
    return make_token(user, kind, undelete.copy_before_delete(obj))


@transaction.atomic
def undo(user, token: str) -> Undone:
    """Put back what `token` kept, if it is the user's and recent."""
    try:
        data = signing.loads(token, salt=SALT, max_age=UNDO_SECONDS)
    except signing.SignatureExpired:
        raise UndoError("Too late to undo: that was more than ten minutes ago.") from None
    except signing.BadSignature:
        raise UndoError("That undo link is not valid.") from None
    if data.get("u") != user.pk or data.get("k") not in _KINDS:
        raise UndoError("That undo link is not valid.")
    undone = _KINDS[data["k"]](user, data["p"])
    fragment_cache.invalidate(user.pk)
    return undone


def remember_undo(request, text: str, token: str) -> None:
    """Without JavaScript (or before a redirect): the message of the next page, with its Undo
    (base.html shows the button of a message tagged "undo" with the token kept here)."""
    request.session["undo_token"] = token
    messages.success(request, text, extra_tags="undo")


def undo_note(request, text: str, token: str) -> str:
    """For an htmx answer: the message with its Undo, inserted at the top of #messages (out of
    band, where no card reload replaces it)."""
    context = {
        "text": text,
        "token": token,
        "note_id": f"undo-{secrets.token_hex(6)}",
        # Where a no-JavaScript Undo returns: the page this answer goes into.
        "back": request.htmx.current_url_abs_path or "",
    }
    return render_to_string("includes/undo_note.html", context | {"oob": "insert"}, request)


NOTE_ID = re.compile(r"undo-[0-9a-f]{8,32}")


@require_POST
def undo_view(request):
    """The Undo of a message: the state before the action, put back. With htmx the message is
    replaced in place and the events refresh what the undo changed; without, back to `next`."""
    try:
        result = undo(request.user, request.POST.get("token", ""))
    except UndoError as error:
        message, level, result = str(error), messages.ERROR, Undone([])
    else:
        names = ", ".join(result.names)
        message = f"Undone: {names} back as before." if names else "Nothing left to undo."
        level = messages.SUCCESS
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "dashboard"
    if not request.htmx or result.reload:
        messages.add_message(request, level, message)
        if request.htmx:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return redirect(back)
    note_id = request.POST.get("note", "")
    context = {
        "text": message,
        "level": "success" if level == messages.SUCCESS else "error",
        # The message whose Undo this was is replaced in place.
        "note_id": note_id if NOTE_ID.fullmatch(note_id) else "",
    }
    context["oob"] = "replace" if context["note_id"] else "insert"
    response = HttpResponse(render_to_string("includes/undo_note.html", context, request))
    for event in result.events:
        # Fired on <body>, where the cards listen (see dashboard.views.trigger_card_event).
        response = trigger_client_event(response, event, {"target": "body"})
    return response
