"""The network map (/network/): the page, its JSON, the same data as a table, and the brief of
one contact beside the map. Read-only views over interactions.network.selectors."""

import json
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from contacts.access import get_owned_or_404
from contacts.models import NOT_SET, Contact
from contacts.services import get_profile
from network_crm import fragment_cache

from ..contact_pages.selectors import meeting_brief
from ..followups.schedule import days_since
from .forms import NetworkFilterForm
from .selectors import CIRCLE_COLOURS, DISCIPLINE_COLOURS, UNSET_COLOUR, network, to_elements


def _today_and_now(user, profile=None):
    zone = (profile or get_profile(user)).zone
    now = timezone.now()
    return timezone.localtime(now, zone).date(), now


@require_GET
def network_page(request):
    """The interactive map; the graph itself is drawn by static/js/network.js from network_data."""
    form = NetworkFilterForm(request.GET, owner=request.user)
    form.is_valid()
    query = request.GET.urlencode()
    return render(
        request,
        "interactions/network/network.html",
        {
            "form": form,
            "query": query,
            "colour_by": form.colour_by,
            "circle_legend": _legend(form.fields["circle"].choices, CIRCLE_COLOURS),
            "discipline_legend": _legend(form.fields["discipline"].choices, DISCIPLINE_COLOURS),
        },
    )


def _legend(choices, colours):
    # Unsorted people are drawn grey (to_elements' fallback colour), so the legend says so.
    return [*((label, colours[key]) for key, label in choices if key), (NOT_SET, UNSET_COLOUR)]


def _network_json(request, today) -> str:
    form = NetworkFilterForm(request.GET, owner=request.user)
    net = network(request.user, today=today, **form.filters())
    # One reverse() for thousands of nodes: the brief URL differs only by the contact's id.
    marker = "2147483647"
    brief = reverse("insights:contact_brief", args=[marker])
    contacts = reverse("contacts:list")
    elements = to_elements(
        net, me_label="Me", brief_url=lambda pk: brief.replace(marker, str(pk)),
        group_url=lambda circle: f"{contacts}?{urlencode({'circle': circle, 'sort': 'strength'})}",
    )
    data = {
        "elements": elements,
        "meta": {
            "shown": len(net.nodes),
            "total": net.total_contacts,
            "gives": net.gives,
            "received": net.received,
            "links": len(net.links),
            "window_days": net.window_days,
            "colour_by": form.colour_by,
            "errors": form.errors.get_json_data(),
        },
    }
    return json.dumps(data, cls=DjangoJSONEncoder)


@require_GET
def network_data(request):
    """The map's nodes and edges as Cytoscape.js elements, only ever the signed-in user's.

    Thousands of nodes make megabytes of JSON, so the answer for the same filters is kept like
    the dashboard's cards (network_crm.fragment_cache): built again after any write of the
    user's, on a new day, and at least every few minutes.
    """
    today, _ = _today_and_now(request.user)
    slug = fragment_cache.query_slug(request, "network-data")
    body = fragment_cache.cards_html(
        request, today, [slug], lambda slug, csrf_token: _network_json(request, today)
    )[slug]
    return HttpResponse(body, content_type="application/json")


@require_GET
def network_table(request):
    """The same data as the map, as a table for those who cannot use the graph. Its people and
    links are kept per filters like the map's JSON (network_data)."""
    form = NetworkFilterForm(request.GET, owner=request.user)
    form.is_valid()  # its errors show beside the fields even when the tables come from the cache
    today, _ = _today_and_now(request.user)
    slug = fragment_cache.query_slug(request, "network-table")

    def tables_context():
        net = network(request.user, today=today, **form.filters())
        names = {n.id: n.display_name for n in net.nodes}
        return {
            "net": net,
            "nodes": sorted(net.nodes, key=lambda n: (-n.strength, n.name.lower())),
            "links": [(names[link.source], link.label, names[link.target]) for link in net.links],
        }

    tables = fragment_cache.partial(
        request, today, slug, "interactions/network/table.html#tables", tables_context
    )
    context = {"form": form, "tables": tables, "query": request.GET.urlencode()}
    return render(request, "interactions/network/table.html", context)


@require_GET
def contact_brief(request, pk):
    """What to know before meeting one contact, beside the map (htmx fragment; a full page
    without htmx): contact_pages.selectors.meeting_brief. The brief is kept per contact like
    the contact page's body (network_crm.fragment_cache): built again after any write of the
    user's; a repeat visit reads the contact alone."""
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    # The user's zone is active (UserTimeZoneMiddleware): today costs no profile query.
    today = timezone.localdate()

    def brief_context():
        prefetch_related_objects([contact], "tags")
        last_at = contact.last_interaction_at
        return {
            "contact": contact,
            "brief": meeting_brief(contact, today),
            "today": today,
            "last_at": last_at,
            # Counted between local dates, as the dashboard and the digest count them.
            "days_since": (
                days_since(last_at, timezone.get_current_timezone(), today) if last_at else None
            ),
        }

    brief = fragment_cache.partial(
        request, today, f"brief:{contact.pk}", "interactions/network/brief.html#brief",
        brief_context,
    )
    if request.htmx:
        return HttpResponse(brief)
    return render(request, "interactions/network/brief.html", {"contact": contact, "brief": brief})
