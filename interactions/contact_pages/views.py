"""The contact page, the edit form that opens in its brief, the delete page (which names the
conversations left with no one), and the event page's "follow up with everyone I met": pages of the contacts URL namespace (same names and paths) that show or
create interactions' rows, so they live here (contacts never imports interactions). The
templates stay with the contacts' (templates/contacts/detail.html, event_detail.html)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from contacts import selectors as contact_selectors
from contacts import services as contact_services
from contacts.access import get_owned_or_404
from contacts.dates.forms import dates_formset
from contacts.dates.services import save_date_formset
from contacts.forms import BriefForm, ContactForm
from contacts.deleted.services import delete_with_undo
from contacts.models import Contact, Event
from contacts.views import (
    CONTACT_CHANGED, confirm_delete, deleted_response, is_htmx, kept_form, next_url,
)
from network_crm import fragment_cache

from .. import followups
from . import selectors


@require_GET
def contact_detail(request, pk):
    """The contact page. Everything below the heading is cached per contact, like the
    dashboard's cards (network_crm/fragment_cache.py): until the user writes anything."""
    contact = get_owned_or_404(contact_selectors.contact_page(request.user), request.user, pk=pk)
    if is_htmx(request) and request.GET.get("part") == "timeline":
        _, context = _timeline_context(request, contact)
        return render(request, "contacts/detail.html#timeline", context)
    history = "all" if request.GET.get("history") == "all" else "recent"

    # The user's zone is active (UserTimeZoneMiddleware): today costs no profile query.
    body = fragment_cache.partial(
        request, timezone.localdate(), f"contact:{contact.pk}:{history}",
        "contacts/detail.html#body", lambda: _detail_context(request, contact),
    )
    return render(request, "contacts/detail.html", {"contact": contact, "body": body})


def _timeline_context(request, contact: Contact) -> tuple[selectors.Timeline, dict]:
    full = request.GET.get("history") == "all"
    limit = selectors.TIMELINE_FULL if full else selectors.TIMELINE_RECENT
    timeline = selectors.contact_timeline(contact, limit=limit)
    return timeline, {
        "contact": contact,
        "timeline": timeline.entries,
        "timeline_more": timeline.more,
        "timeline_full": full,
    }


def _detail_context(request, contact: Contact) -> dict:
    contact_selectors.load_contact_details(contact)
    timeline, context = _timeline_context(request, contact)
    return {
        **context,
        "brief": selectors.contact_brief(contact, last_interaction=timeline.latest_interaction),
        "links": contact_selectors.contact_links(contact),
        "events": contact_selectors.contact_events(contact),
        "today": timezone.localdate(),
    }


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    details = contact_selectors.contact_detail(request.user)
    in_place = is_htmx(request) and (request.POST.get("part") or request.GET.get("part")) == "brief"
    if request.method == "GET" and not in_place:
        # The heading needs the contact alone; its emails, phones and tags are read only when
        # the kept form is drawn again.
        contact = get_owned_or_404(Contact, request.user, pk=pk)

        def form_context():
            shown = details.get(pk=pk)
            form = ContactForm(instance=shown, owner=request.user)
            return {"form": form, "dates": dates_formset(None, shown), "contact": shown}

        return render(request, "contacts/form.html", {
            "contact": contact, "form_html": kept_form(request, f"contact-edit:{pk}", form_context),
        })
    contact = get_owned_or_404(details, request.user, pk=pk)
    form_class = BriefForm if in_place else ContactForm
    form = form_class(request.POST or None, instance=contact, owner=request.user)
    # The important dates are edited on the full form only, not in the brief.
    dates = None if in_place else dates_formset(request.POST or None, contact)
    if request.method == "POST" and form.is_valid() and (dates is None or dates.is_valid()):
        with transaction.atomic():
            contact_services.update_contact(contact, form.cleaned_data)
            if dates is not None:
                save_date_formset(contact, dates)
        if in_place:
            contact = get_owned_or_404(
                contact_selectors.contact_detail(request.user), request.user, pk=pk
            )
            response = render(
                request,
                "contacts/detail.html#brief",
                {
                    "contact": contact,
                    "brief": selectors.contact_brief(contact),
                    "today": timezone.localdate(),
                },
            )
            return trigger_client_event(response, CONTACT_CHANGED, {"id": contact.pk})
        messages.success(request, f"Saved {contact.display_name}.")
        return redirect(next_url(request, reverse("contacts:detail", args=[contact.pk])))
    if in_place:
        return render(
            request, "contacts/detail.html#brief_form", {"contact": contact, "form": form}
        )
    return render(request, "contacts/form.html", {"form": form, "dates": dates, "contact": contact})


@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    if request.method == "POST":
        name = contact.display_name
        with transaction.atomic():
            token = delete_with_undo(request.user, contact)
        return deleted_response(
            request, reverse("contacts:list"), f"Deleted {name}.", "contactDeleted", token
        )
    alone = selectors.conversations_alone(contact)
    return confirm_delete(
        request,
        contact,
        action=reverse("contacts:delete", args=[pk]),
        cancel=reverse("contacts:detail", args=[pk]),
        what="contact",
        template="contacts/confirm_delete_contact.html",
        extra={"alone": alone},
    )


@require_POST
def event_log_follow_ups(request, pk):
    event = get_owned_or_404(Event, request.user, pk=pk)
    created = followups.create_event_follow_ups(event)
    text = (
        f"Created {created} follow-up{'s' if created != 1 else ''} for the people you met."
        if created
        else "Everyone you met already has a follow-up from this event."
    )
    if is_htmx(request):
        response = render(
            request,
            "contacts/event_detail.html#follow_ups_done",
            {
                "event": event,
                "text": text,
            },
        )
        return trigger_client_event(response, "followUpChanged")
    messages.success(request, text)
    return redirect(reverse("contacts:event_detail", args=[event.pk]))
