"""Network map and insights pages (read-only views over contacts.network and contacts.insights)."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from interactions.dashboard.selectors import one_person
from interactions.models import Direction, Support, SupportStatus
from network_crm import fragment_cache

from . import insights
from .access import get_owned_or_404
from .insight_forms import NetworkFilterForm
from .models import Contact
from .network import CIRCLE_COLOURS, DISCIPLINE_COLOURS, network, to_elements
from .services import get_profile


def _today_and_now(user, profile=None):
    zone = (profile or get_profile(user)).zone
    now = timezone.now()
    return timezone.localtime(now, zone).date(), now


def _network_for(request):
    form = NetworkFilterForm(request.GET, owner=request.user)
    today, _ = _today_and_now(request.user)
    net = network(request.user, today=today, **form.filters())
    return form, net


@require_GET
def network_page(request):
    """The interactive map; the graph itself is drawn by static/js/network.js from network_data."""
    form = NetworkFilterForm(request.GET, owner=request.user)
    form.is_valid()
    query = request.GET.urlencode()
    return render(
        request,
        "insights/network.html",
        {
            "form": form,
            "query": query,
            "colour_by": form.colour_by,
            "circle_legend": _legend(form.fields["circle"].choices, CIRCLE_COLOURS),
            "discipline_legend": _legend(form.fields["discipline"].choices, DISCIPLINE_COLOURS),
        },
    )


def _legend(choices, colours):
    return [(label, colours[key]) for key, label in choices if key]


def _network_json(request, today) -> str:
    form = NetworkFilterForm(request.GET, owner=request.user)
    net = network(request.user, today=today, **form.filters())
    # One reverse() for thousands of nodes: the brief URL differs only by the contact's id.
    marker = "2147483647"
    brief = reverse("insights:contact_brief", args=[marker])
    elements = to_elements(
        net, me_label="Me", brief_url=lambda pk: brief.replace(marker, str(pk))
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
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:24]
    slug = f"network-data:{query}"
    body = fragment_cache.cards_html(
        request, today, [slug], lambda slug, csrf_token: _network_json(request, today)
    )[slug]
    return HttpResponse(body, content_type="application/json")


@require_GET
def network_table(request):
    """The same data as the map, as a table for those who cannot use the graph."""
    form, net = _network_for(request)
    nodes = sorted(net.nodes, key=lambda n: (-n.strength, n.name.lower()))
    names = {n.id: n.display_name for n in net.nodes}
    links = [(names[link.source], link.label, names[link.target]) for link in net.links]
    return render(
        request,
        "insights/network_table.html",
        {
            "form": form,
            "net": net,
            "nodes": nodes,
            "links": links,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def contact_brief(request, pk):
    """A short brief of one contact beside the map (htmx fragment; a full page without htmx)."""
    contact = get_owned_or_404(Contact.objects.prefetch_related("tags"), request.user, pk=pk)
    today, now = _today_and_now(request.user)
    counts = Support.objects.filter(owner=request.user, contact=contact).aggregate(
        gives=Count("id", filter=Q(direction=Direction.GIVE) & ~Q(status=SupportStatus.DECLINED)),
        received=Count(
            "id", filter=Q(direction=Direction.RECEIVED) & ~Q(status=SupportStatus.DECLINED)
        ),
        asks=Count("id", filter=Q(direction=Direction.ASK) & ~Q(status=SupportStatus.DECLINED)),
        open_promises=Count(
            "id", filter=Q(direction=Direction.GIVE, status=SupportStatus.OFFERED)
        ),
    )
    last_at = contact.last_interaction_at
    context = {
        "contact": contact,
        "counts": counts,
        "strength": contact.strength,
        "last_at": last_at,
        "days_since": (now - last_at).days if last_at else None,
    }
    template = "insights/brief.html#brief" if request.htmx else "insights/brief.html"
    return render(request, template, context)


# Rows of "give before you ask" on the insights page.
OWED_SHOWN = 10


def _cards_context(user, profile, today, now) -> dict:
    """What the cached cards show: strength, balance, dormant and revived ties, diversity and
    rhythm."""
    _, average_strength = insights.strength_summary(user)
    balance = insights.balance(user, limit=OWED_SHOWN)
    rhythm = insights.rhythm(user, today, profile.zone)
    return {
        "strongest": [(c, c.strength) for c in insights.strongest_ties(user, limit=10)],
        "average_strength": average_strength,
        "strength_explanation": insights.STRENGTH_EXPLANATION,
        "balance": balance,
        "owed": balance.give_before_you_ask,
        "dormant": insights.dormant_ties(user, now),
        "revived": insights.revived_ties(user, now),
        "revived_window_days": insights.REVIVED_WINDOW_DAYS,
        "dormant_after_days": insights.DORMANT_AFTER_DAYS,
        "dormant_min_touches": insights.DORMANT_MIN_TOUCHES,
        "diversity": insights.diversity(user, profile),
        "rhythm": rhythm,
        "weeks_chart": bar_chart(
            [b.count for b in rhythm.weeks],
            # A date under every thirteenth week (about once a quarter) stays readable.
            [b.label if i % 13 == 0 else "" for i, b in enumerate(rhythm.weeks)],
            height=120, bar=10, gap=3,
        ),
        "months_chart": bar_chart(
            [b.count for b in rhythm.months],
            [b.start.strftime("%b") for b in rhythm.months],
            height=120, bar=24, gap=8,
        ),
    }


# The cards read the user's whole history (touches per week, dormant and revived ties take
# about 80 ms of database time on an account with 200,000 interactions even set-based), so
# their HTML is kept like the dashboard's cards (network_crm.fragment_cache): rendered again
# after any write of the user's, on a new day, and at least every few minutes.
# slug: partial of insights/insights.html
CACHED_CARDS = {"insights-cards": "insights_cards"}


@require_GET
def insights_page(request):
    """Strength, balance, diversity, dormant ties, rhythm and one person this week."""
    user = request.user
    profile = get_profile(user)
    today, now = _today_and_now(user, profile)

    def render_cards(slug, csrf_token):
        context = _cards_context(user, profile, today, now) | {"csrf_token": csrf_token}
        return render_to_string(f"insights/insights.html#{CACHED_CARDS[slug]}", context, request)

    cards = fragment_cache.cards_html(request, today, list(CACHED_CARDS), render_cards)
    # The page's heading counts live rows; the cached cards may be a few minutes old.
    active = Contact.objects.filter(owner=user, archived=False).count()
    return render(
        request,
        "insights/insights.html",
        {
            "today": today,
            "active_contacts": active,
            # The dashboard's daily pick (cached), so both pages name the same person all day.
            "suggestion": one_person(user, profile, today),
            "cards": {CACHED_CARDS[slug]: html for slug, html in cards.items()},
        },
    )


def bar_chart(values: list[int], labels: list[str], *, height: int, bar: int, gap: int) -> dict:
    """Geometry for a server-rendered SVG bar chart (the template only draws the rectangles)."""
    peak = max(values, default=0) or 1
    plot = height - 4
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = round(plot * value / peak, 1) if value else 0
        x = i * (bar + gap)
        bars.append(
            {"x": x, "y": round(height - h, 1), "h": h, "w": bar, "value": value, "label": label}
        )
    return {"width": len(values) * (bar + gap) - gap, "height": height, "bars": bars, "peak": peak}

