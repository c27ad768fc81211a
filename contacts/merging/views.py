"""The merge screens under /data/: pick the other contact, see field by field what is kept
(choosing where the two differ), merge; and the possible-duplicates page. Every contact is
loaded by id and owner, else 404 (get_owned_or_404; the pick screen's selectors.py)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from network_crm import fragment_cache

from ..access import get_owned_or_404
from ..models import Contact
from . import selectors, stored
from .duplicates import with_contacts
from .forms import MergeChoicesForm
from .plan import MergeError, plan_merge
from .services import merge_contacts

SEARCH_LIMIT = 20


def _contact(request, pk):
    return get_owned_or_404(
        Contact.objects.prefetch_related("emails", "phones", "tags"), request.user, pk=pk
    )


def _pick(request, pk):
    query = request.GET.get("q", "").strip()
    others = stored.partners_of(request.user, stored.last_found(request.user), pk)
    contact, suggestions = selectors.contact_and_partners(request.user, pk, others)
    candidates = (
        selectors.merge_candidates(request.user, query, contact.pk, limit=SEARCH_LIMIT)
        if query else []
    )
    return render(
        request,
        "contacts/merging/pick.html",
        {"contact": contact, "query": query, "candidates": candidates, "suggestions": suggestions},
    )


@require_http_methods(["GET", "POST"])
def merge(request, pk):
    """Pick the other contact, see field by field what is kept, choose, and merge."""
    data = request.POST if request.method == "POST" else request.GET
    other_id = data.get("other")
    if not other_id or not str(other_id).isdigit():
        return _pick(request, pk)
    contact = _contact(request, pk)
    other = _contact(request, int(other_id))
    keep = data.get("keep") or str(contact.pk)
    survivor, merged = (other, contact) if keep == str(other.pk) else (contact, other)
    try:
        plan = plan_merge(survivor, merged)
    except MergeError as exc:
        messages.error(request, str(exc))
        return redirect("data:merge", pk=contact.pk)
    form = MergeChoicesForm(plan, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = merged.name
        merge_contacts(survivor, merged, form.choices)
        messages.success(request, f"Merged “{name}” into “{survivor.name}”.")
        return redirect("contacts:detail", pk=survivor.pk)
    template = "contacts/merging/merge.html#plan" if request.htmx else "contacts/merging/merge.html"
    context = {"contact": contact, "other": other, "plan": plan, "form": form}
    return render(request, template, context)


@require_GET
def duplicates(request):
    """Pairs of contacts that are probably the same person, a page of them at a time (as last
    found: stored.py). A page's table is kept like the dashboard's cards (fragment_cache) per
    search and page: its 300 links were most of the page; a write of the user's, or the worker
    finding them again, builds it again."""
    found = stored.last_found(request.user)
    page = Paginator(range(found.count), stored.PAGE_SIZE).get_page(request.GET.get("page"))

    def pairs_context():
        pairs = with_contacts(request.user, stored.page_of(request.user, found, page.number - 1))
        return {"pairs": pairs, "page": page, "found": found}

    slug = f"duplicates:{found.generation}:{found.stale:d}:{page.number}"
    pairs = fragment_cache.partial(
        request, timezone.localdate(), slug, "contacts/merging/duplicates.html#pairs", pairs_context
    )
    return render(request, "contacts/merging/duplicates.html", {"pairs": pairs})
