"""The insights page (/insights/): strength, balance, diversity, dormant and revived ties,
rhythm, and the day's "one person" (read-only views over interactions.insights)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from contacts.services import get_profile
from network_crm import fragment_cache

from .. import insights
from ..dashboard.selectors import one_person


# Rows of "give before you ask" on the insights page.
OWED_SHOWN = 10


def _cards_context(user, profile, today, now) -> dict:
    """What the cached cards show: strength, balance, dormant and revived ties, diversity and
    rhythm."""
    diversity = insights.diversity(user, profile)
    balance = insights.balance(user, limit=OWED_SHOWN)
    rhythm = insights.rhythm(user, today, profile.zone)
    return {
        "strongest": [(c, c.strength) for c in insights.strongest_ties(user, limit=10)],
        "strength_explanation": insights.STRENGTH_EXPLANATION,
        "balance": balance,
        "owed": balance.give_before_you_ask,
        "dormant": insights.dormant_ties(user, now),
        "revived": insights.revived_ties(user, now),
        "revived_window_days": insights.REVIVED_WINDOW_DAYS,
        "dormant_after_days": insights.DORMANT_AFTER_DAYS,
        "dormant_min_touches": insights.DORMANT_MIN_TOUCHES,
        "diversity": diversity,
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


@require_GET
def insights_page(request):
    """Strength, balance, diversity, dormant ties, rhythm and one person this week."""
    user = request.user
    profile = get_profile(user)
    now = timezone.now()
    today = timezone.localtime(now, profile.zone).date()

    # The cards read the user's whole history, so their HTML is kept like the dashboard's
    # cards (network_crm.fragment_cache): rendered again after any write of the user's, on a
    # new day, and at least every few minutes.
    cards = fragment_cache.partial(
        request, today, "insights-cards", "interactions/insights/insights.html#insights_cards",
        lambda: _cards_context(user, profile, today, now),
    )
    return render(
        request,
        "interactions/insights/insights.html",
        {
            "today": today,
            # The dashboard's daily pick (cached), so both pages name the same person all day.
            "suggestion": one_person(user, profile, today),
            "cards": cards,
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
