"""Contact and event pages. Thin function views: forms validate, services write, selectors read;
with htmx the same view answers with a `{% partialdef %}` fragment of its template.

The contact page itself (its timeline and brief), its edit form and the event page's "follow up
with everyone I met" show interactions' rows, so they live in interactions/contact_pages/
under the same URL names."""


from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from network_crm import fragment_cache
from network_crm.pagination import page_of
from network_crm.undo import delete_token, remember_undo, undo_note

from . import selectors, services, undo
from .access import get_owned_or_404
from .forms import (
    BulkActionForm,
    ContactFilterForm,
    ContactForm,
    ContactLinkForm,
    EventForm,
    EventPeopleForm,
    SORTING_CHOICES,
)
from .dates.forms import dates_formset
from .dates.services import save_date_formset
from .models import Contact, ContactLink, Event
from .search import finds_word_starts
from .sorting.selectors import unsorted_count

PAGE_SIZE = 50
# The contacts list counts its rows up to this many; past it, "more than 1,000" and Previous /
# Next (counting 30,000 contacts, or a search matching most of them, cost more than the page).
COUNT_UP_TO = 1000
CONTACT_CHANGED = "contactChanged"


def next_url(request, fallback: str) -> str:
    """The `next` parameter when it points at this site, else `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def is_htmx(request) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted


def deleted_response(request, fallback: str, message: str, event: str, undo_token: str | None):
    """After a delete: for htmx an empty fragment (the row disappears) and the message with
    its Undo out of band, else a redirect to the page showing that message."""
    if is_htmx(request):
        note = undo_note(request, message, undo_token) if undo_token else ""
        return trigger_client_event(HttpResponse(note), event)
    if undo_token:
        remember_undo(request, message, undo_token)
    else:
        messages.success(request, message)
    return redirect(next_url(request, fallback))


def confirm_delete(
    request, obj, *, action: str, cancel: str, what: str,
    template: str = "contacts/confirm_delete.html", extra: dict | None = None,
):
    """The page before a delete (its Undo said there); `template` may extend the default one
    to say what else the delete changes."""
    context = {
        "object": obj,
        "action": action,
        "cancel": cancel,
        "what": what,
        "next": request.GET.get("next", ""),
    }
    return render(request, template, context | (extra or {}))


# --- contacts ----------------------------------------------------------------------------------


@require_GET
def contact_list(request):
    """The contacts list. Its results (count, rows, pages) are kept per user and query string
    like the dashboard's cards (network_crm.fragment_cache): rendering 50 rows was most of the
    page; a write of the user's builds them again."""
    form = ContactFilterForm(request.GET, tags=selectors.owner_tag_names(request.user))
    filters = form.filters()
    # Today in the zone the middleware activated (the user's), for the "due now" filter.
    today = timezone.localdate()

    def results_context():
        queryset = selectors.contact_list(request.user, **filters, today=today)
        page = page_of(queryset, request.GET.get("page"), PAGE_SIZE, count_up_to=COUNT_UP_TO)
        page.object_list = selectors.with_row_details(page.object_list)
        params = request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        context = {
            "sort_query": sort_params.urlencode(),
            "filters": filters,
            "page": page,
            "count_up_to": COUNT_UP_TO,
            "query": params.urlencode(),
            "bulk_actions": BulkActionForm.ACTIONS,
            "bulk_sorting": [
                (name, SORTING_CHOICES[name]) for name in BulkActionForm.SORTING_ACTIONS
            ],
            "list_url": request.get_full_path(),
            "word_starts": finds_word_starts(filters["q"]),
        }
        return context

    results = fragment_cache.partial(
        request, today, fragment_cache.query_slug(request, "contacts"),
        "contacts/list.html#results", results_context,
    )
    if is_htmx(request):
        return HttpResponse(results)
    context = {
        "form": form,
        "filters": filters,
        "results": results,
        "unsorted": unsorted_count(request.user),
    }
    return render(request, "contacts/list.html", context)


@require_POST
def contact_bulk(request):
    form = BulkActionForm(request.POST, owner=request.user)
    back = next_url(request, reverse("contacts:list"))
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"Nothing changed: {errors}")
        return redirect(back)
    data = form.cleaned_data
    action, tag = data["action"], data.get("tag") or ""
    if action in form.SORTING_ACTIONS:
        value = data.get(action) or ""
    else:
        value = data.get("cadence_days") if action == "cadence" else ""
    ids = [contact.pk for contact in data["ids"]]
    with transaction.atomic():
        token = undo.make_token(request.user, ids, action, tag=tag, value=value)
        count = services.bulk_update_contacts(
            request.user, data["ids"], action, tag=tag, cadence_days=data.get("cadence_days"),
            value=value if action in form.SORTING_ACTIONS else "",
        )
    label = dict(BulkActionForm.ACTIONS)[action].lower()
    remember_undo(request, f"Done: {label} on {count} contact{'s' if count != 1 else ''}.", token)
    return redirect(back)


@require_GET
def contact_search(request):
    # `field`: the form field the picker fills (its matches are named after it, its chosen
    # contacts come as that field and are left out, as are `exclude`, the contact being edited).
    field = request.GET.get("field", "")
    field = field if field.isidentifier() else "contacts"
    q = request.GET.get("q") or request.GET.get(f"{field}_q", "")
    chosen = request.GET.getlist(field) + request.GET.getlist("exclude")
    exclude = [v for v in chosen if v.isdigit()]
    results = selectors.search_contacts(request.user, q, exclude_ids=exclude)
    return render(
        request,
        "contacts/search_results.html",
        {"results": results, "q": q, "name": field},
    )


@require_http_methods(["GET", "POST"])
def contact_create(request):
    if request.method == "GET":
        return render(request, "contacts/form.html", {
            "contact": None,
            "form_html": kept_form(request, "contact-create", lambda: {
                "form": ContactForm(owner=request.user),
                "dates": dates_formset(None, Contact(owner=request.user)),
                "contact": None,
            }),
        })
    form = ContactForm(request.POST, owner=request.user)
    dates = dates_formset(request.POST, Contact(owner=request.user))
    if form.is_valid() and (dates is None or dates.is_valid()):
        with transaction.atomic():
            contact = services.create_contact(request.user, form.cleaned_data)
            if dates is not None:
                save_date_formset(contact, dates)
        messages.success(request, f"Added {contact.display_name}.")
        return redirect(next_url(request, reverse("contacts:detail", args=[contact.pk])))
    return render(request, "contacts/form.html", {"form": form, "dates": dates, "contact": None})


def kept_form(request, slug: str, context) -> str:
    """The contact form, unbound, from the user's fragment cache (network_crm.fragment_cache):
    drawing its 38 fields took 16-34 ms of Python at every visit, over the 30 ms the bench
    allows a page at times."""
    return fragment_cache.partial(
        request, timezone.localdate(), slug, "contacts/form.html#form", context
    )


@require_http_methods(["GET", "POST"])
def link_create(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    form = ContactLinkForm(request.POST or None, owner=request.user, from_contact=contact)
    if request.method == "POST" and form.is_valid():
        link = services.create_link(request.user, contact, form.cleaned_data)
        messages.success(request, f"Linked {contact} and {link.to_contact}.")
        return redirect(reverse("contacts:detail", args=[contact.pk]))
    return render(request, "contacts/link_form.html", {"form": form, "contact": contact})


@require_http_methods(["GET", "POST"])
def link_delete(request, pk):
    link = get_owned_or_404(
        ContactLink.objects.select_related("from_contact", "to_contact"), request.user, pk=pk
    )
    back = reverse("contacts:detail", args=[link.from_contact_id])
    if request.method == "POST":
        token = delete_token(request.user, undo.LINK, link)
        services.delete_link(link)
        return deleted_response(request, back, f"Link removed: {link}.", CONTACT_CHANGED, token)
    return confirm_delete(
        request, link, action=reverse("contacts:link_delete", args=[pk]), cancel=back, what="link"
    )


# --- events ------------------------------------------------------------------------------------


@require_GET
def event_list(request):
    upcoming, past = selectors.event_lists(request.user, timezone.localdate())
    return render(request, "contacts/event_list.html", {"upcoming": upcoming, "past": past})


@require_http_methods(["GET", "POST"])
def event_create(request):
    form = EventForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        event = services.save_event(request.user, form.cleaned_data)
        messages.success(request, f"Added {event.name}.")
        return redirect(reverse("contacts:event_detail", args=[event.pk]))
    return render(request, "contacts/event_form.html", {"form": form, "event": None})


@require_GET
def event_detail(request, pk):
    event = get_owned_or_404(selectors.event_detail(request.user), request.user, pk=pk)
    return render(request, "contacts/event_detail.html", _event_context(request, event))


def _event_context(request, event, form=None) -> dict:
    return {
        "event": event,
        "people": list(event.people_met.all()),
        "people_form": form or EventPeopleForm(owner=request.user),
    }


@require_POST
def event_people(request, pk):
    """Add or remove people met. The picker's Find without JavaScript posts here too: the form
    comes back with its matches (EventPeopleForm is not valid then), nothing changed."""
    event = get_owned_or_404(Event, request.user, pk=pk)
    form = EventPeopleForm(request.POST, owner=request.user)
    if form.is_valid():
        services.change_people_met(
            event, add=form.cleaned_data["contacts"], remove=form.cleaned_data["remove"]
        )
        if not is_htmx(request):
            return redirect(reverse("contacts:event_detail", args=[event.pk]))
        form = None
    event = get_owned_or_404(selectors.event_detail(request.user), request.user, pk=pk)
    context = _event_context(request, event, form)
    template = (
        "contacts/event_detail.html#people" if is_htmx(request) else "contacts/event_detail.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = get_owned_or_404(Event, request.user, pk=pk)
    form = EventForm(request.POST or None, instance=event, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_event(request.user, form.cleaned_data, event)
        messages.success(request, f"Saved {event.name}.")
        return redirect(reverse("contacts:event_detail", args=[event.pk]))
    return render(request, "contacts/event_form.html", {"form": form, "event": event})


@require_http_methods(["GET", "POST"])
def event_delete(request, pk):
    event = get_owned_or_404(Event, request.user, pk=pk)
    if request.method == "POST":
        name = event.name
        token = delete_token(request.user, undo.EVENT, event)
        services.delete_event(event)
        return deleted_response(
            request, reverse("contacts:event_list"), f"Deleted {name}.", "eventDeleted", token
        )
    return confirm_delete(
        request,
        event,
        action=reverse("contacts:event_delete", args=[pk]),
        cancel=reverse("contacts:event_detail", args=[pk]),
        what="event",
    )
