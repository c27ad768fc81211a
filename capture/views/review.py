"""Review: waiting suggestions, on /capture/ and as the dashboard's card (loaded by hx-get from
templates/interactions/dashboard/dashboard.html, so the dashboard's code never imports capture). One
click logs, a key opens the Log form prefilled, dismiss hides for good."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from contacts.access import get_owned_or_404
from contacts.views import is_htmx, next_url
from interactions.forms import LogForm
from network_crm import fragment_cache

from .. import selectors, services
from ..models import Suggestion, SuggestionStatus

TEMPLATE = "capture/review.html"
PAGE_SIZE = 50
# What the dashboard's cards listen for (interactions' own event name): a logged suggestion is
# a logged interaction.
INTERACTION_LOGGED = "interactionLogged"
SUGGESTION_CHANGED = "suggestionChanged"


def _fire(response, event: str, detail: dict | None = None):
    # On <body>, where the cards listen (the clicked row is gone by then).
    return trigger_client_event(response, event, {**(detail or {}), "target": "body"})


@require_GET
def review(request):
    """The waiting suggestions, 50 a page. The list is kept per user like the other lists
    (network_crm.fragment_cache): a page of rows with three forms each took 36 ms to draw.
    Deciding one is a POST and the worker's reads forget it; the key names when the next
    meeting ends, so that one joins the list on time."""
    now = timezone.now()

    def results_context():
        suggestions = selectors.review(request.user, now)
        page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page, "rows": selectors.review_rows(page.object_list)}

    turns_over = selectors.next_review_change(request.user, now)
    slug = f"capture-review:{turns_over.timestamp() if turns_over else ''}"
    results = fragment_cache.partial(
        request, timezone.localdate(), fragment_cache.query_slug(request, slug),
        f"{TEMPLATE}#results", results_context,
    )
    return render(request, TEMPLATE, {"results": results})


@require_GET
def review_card(request):
    """The dashboard's Review card (a fragment of the same template)."""
    suggestions = list(selectors.review(request.user, limit=selectors.REVIEW_CARD_LIMIT + 1))
    shown = suggestions[: selectors.REVIEW_CARD_LIMIT]
    context = {
        "rows": selectors.review_rows(shown),
        "more": len(suggestions) > len(shown),
        "has_sources": selectors.sources(request.user).exists() if not shown else True,
        "next": reverse("dashboard"),
    }
    return render(request, f"{TEMPLATE}#review_card", context)


def _owned_suggestion(request, pk) -> Suggestion:
    return get_owned_or_404(
        Suggestion.objects.select_related("owner").prefetch_related("contacts"), request.user, pk=pk
    )


def _row_gone(request, message: str, event: str):
    if is_htmx(request):
        return _fire(HttpResponse(""), event, {"message": message})
    messages.success(request, message)
    return redirect(next_url(request, reverse("capture:review")))


@require_POST
def log(request, pk):
    """One click: log it as found (kind, time, people, title)."""
    suggestion = _owned_suggestion(request, pk)
    contacts = list(suggestion.contacts.all())
    interaction = services.log_suggestion(suggestion)
    if interaction is None:
        return _row_gone(request, "Already done.", SUGGESTION_CHANGED)
    message = f"Logged: {selectors.headline(suggestion, contacts)}."
    if not is_htmx(request):
        messages.success(request, message)
        return redirect(next_url(request, reverse("capture:review")))
    # "quick": the dashboard says so in a toast, as for its own one-click logs.
    response = _fire(HttpResponse(""), SUGGESTION_CHANGED)
    return _fire(response, INTERACTION_LOGGED, {
        "message": message, "quick": True, "contacts": [c.pk for c in contacts],
    })


@require_POST
def dismiss(request, pk):
    suggestion = _owned_suggestion(request, pk)
    services.dismiss(suggestion)
    return _row_gone(request, "Dismissed: it will not be suggested again.", SUGGESTION_CHANGED)


@require_http_methods(["GET", "POST"])
def log_form(request, pk):
    """The Log form, prefilled from the suggestion, to add notes before logging (the "e" key
    on a Review row). Saving logs the interaction and decides the suggestion."""
    suggestion = _owned_suggestion(request, pk)
    if suggestion.status != SuggestionStatus.PENDING:
        messages.info(request, "This suggestion was already logged or dismissed.")
        return redirect(next_url(request, reverse("capture:review")))
    zone = timezone.get_current_timezone()
    local_day = timezone.localtime(suggestion.occurred_at, zone).date()
    initial = {
        "contacts": [c.pk for c in suggestion.contacts.all()],
        "kind": suggestion.kind,
        "occurred_on": local_day,
        "initiated_by": suggestion.initiated_by,
        "summary": suggestion.title[:200],
    }
    form = LogForm(request.POST or None, owner=request.user, today=timezone.localdate(),
                   initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["occurred_on"] == local_day:
            data["occurred_at"] = suggestion.occurred_at  # keep the meeting's own time
        interaction = services.log_suggestion(suggestion, data)
        if interaction is None:
            messages.info(request, "This suggestion was already logged or dismissed.")
            return redirect(next_url(request, reverse("capture:review")))
        names = ", ".join(c.display_name for c in data["contacts"])
        if is_htmx(request):
            response = render(request, "interactions/log.html#logged", {
                "interaction": interaction, "names": names, "next": next_url(request, ""),
            })
            response = _fire(response, SUGGESTION_CHANGED)
            return _fire(response, INTERACTION_LOGGED, {
                "contacts": [c.pk for c in data["contacts"]],
                "message": f"Logged: {interaction} with {names}.",
            })
        messages.success(request, f"Logged: {interaction} with {names}.")
        return redirect(next_url(request, reverse("capture:review")))
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "log_action": reverse("capture:log_form", args=[pk]),
    }
    if is_htmx(request):
        partial = "log_modal" if request.method == "GET" and request.htmx.target == "modal" else "log_form"
        return render(request, f"interactions/log.html#{partial}", context)
    return render(request, "interactions/log.html", context)
