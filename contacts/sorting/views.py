"""The Sort new people screen (/contacts/sort/): the unsorted contacts one at a time, each
sorted with a few keys (static/js/sort.js) or as a plain form. With htmx a POST answers with
the next person's card; without it, a redirect to the screen after that person."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from .. import services
from ..access import get_owned_or_404
from ..models import Contact
from ..views import CONTACT_CHANGED, is_htmx
from . import selectors
from .forms import KEYS, SortForm

TEMPLATE = "contacts/sorting/sort.html"


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


def _render(request, contact: Contact | None, *, form=None, done: str = "", before=None):
    form = form or (SortForm(instance=contact) if contact else None)
    context = {
        "contact": contact,
        "form": form,
        "groups": [
            {"field": form[name], "choices": form.choices_with_keys(name)} for name in KEYS
        ] if form else [],
        "remaining": selectors.unsorted_count(request.user),
        "done": done,
        "wrapped": before is not None and contact is None,
    }
    template = f"{TEMPLATE}#card" if is_htmx(request) else TEMPLATE
    return render(request, template, context)


@require_GET
def sort_next(request):
    before = _before(request)
    return _render(request, selectors.next_unsorted(request.user, before), before=before)


@require_POST
def sort_contact(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    if request.POST.get("action") == "archive":
        services.update_contact(contact, {"archived": True})
        done = f"Archived {contact.display_name}."
    else:
        form = SortForm(request.POST, instance=contact)
        if not form.is_valid():
            contact.refresh_from_db()  # the card shows what is saved; the form, what was typed
            return _render(request, contact, form=form)
        data = {k: v for k, v in form.cleaned_data.items() if k != "action"}
        services.update_contact(contact, data)
        done = f"Saved {contact.display_name}: {contact.circle_label} · " + (
            f"{contact.discipline_label} · {contact.tier_label}."
        )
    if not is_htmx(request):
        messages.success(request, done)
        return redirect(f"{reverse('contacts:sort')}?before={contact.pk}")
    response = _render(
        request, selectors.next_unsorted(request.user, contact.pk), done=done, before=contact.pk
    )
    return trigger_client_event(response, CONTACT_CHANGED, {"id": contact.pk})
