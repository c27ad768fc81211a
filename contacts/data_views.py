"""The user's own data pages: merge a contact into another, possible duplicates, exports.
Every object is loaded through get_owned_or_404."""

from django.contrib import messages
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import exporting
from .access import get_owned_or_404
from .merging import MergeError, merge_contacts, plan_merge, possible_duplicates
from .models import Contact

SEARCH_LIMIT = 20


def _contact(request, pk):
    return get_owned_or_404(
        Contact.objects.prefetch_related("emails", "phones", "tags"), request.user, pk=pk
    )


@require_http_methods(["GET", "POST"])
def merge(request, pk):
    """Pick the other contact, see field by field what is kept, and merge."""
    contact = _contact(request, pk)
    other_id = request.POST.get("other") or request.GET.get("other")
    if not other_id or not str(other_id).isdigit():
        query = request.GET.get("q", "").strip()
        candidates = []
        if query:
            candidates = list(
                Contact.objects.filter(owner=request.user)
                .exclude(pk=contact.pk)
                .filter(
                    Q(name__icontains=query)
                    | Q(company__icontains=query)
                    | Q(emails__email__icontains=query)
                )
                .distinct()
                .order_by("name")[:SEARCH_LIMIT]
            )
        suggestions = [
            p.second if p.first.pk == contact.pk else p.first
            for p in possible_duplicates(request.user)
            if contact.pk in (p.first.pk, p.second.pk)
        ]
        return render(
            request,
            "contacts/merge_pick.html",
            {
                "contact": contact,
                "query": query,
                "candidates": candidates,
                "suggestions": suggestions,
            },
        )
    other = _contact(request, int(other_id))
    keep = request.POST.get("keep") or request.GET.get("keep") or str(contact.pk)
    survivor, merged = (other, contact) if keep == str(other.pk) else (contact, other)
    try:
        plan = plan_merge(survivor, merged)
    except MergeError as exc:
        messages.error(request, str(exc))
        return redirect("data:merge", pk=contact.pk)
    if request.method == "POST":
        name = merged.name
        merge_contacts(survivor, merged)
        messages.success(request, f"Merged “{name}” into “{survivor.name}”.")
        return redirect("contacts:detail", pk=survivor.pk)
    template = "contacts/merge.html#plan" if request.htmx else "contacts/merge.html"
    return render(request, template, {"contact": contact, "other": other, "plan": plan})


@require_GET
def duplicates(request):
    """Pairs of contacts that are probably the same person."""
    return render(
        request, "contacts/merge_duplicates.html", {"pairs": possible_duplicates(request.user)}
    )


@require_GET
def export_page(request):
    return render(request, "contacts/export.html")


def _download(chunks, filename, content_type):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d")


@require_GET
def export_vcard(request):
    return _download(
        exporting.export_vcard(request.user),
        f"contacts-{_stamp()}.vcf",
        "text/vcard; charset=utf-8",
    )


@require_GET
def export_csv(request):
    return _download(
        exporting.export_csv(request.user), f"contacts-{_stamp()}.csv", "text/csv; charset=utf-8"
    )


@require_GET
def export_json(request):
    return _download(
        [exporting.export_json(request.user)], f"network_crm-{_stamp()}.json", "application/json"
    )
