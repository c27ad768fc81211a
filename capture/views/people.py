"""People met but not yet contacts: offered in bulk, from the suggestions that name them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..forms import PeopleForm

# The people met most often are listed; the rest move up as these are added or stopped. A year
# of meetings can name a thousand guests: listed whole, the page took 70 ms and 180 KB.
PEOPLE_SHOWN = 50


def _page(request, form, offered, status=200):
    return render(request, "capture/people.html", {
        "form": form,
        "offered": offered[:PEOPLE_SHOWN],
        "not_shown": max(len(offered) - PEOPLE_SHOWN, 0),
    }, status=status)


@require_GET
def people(request):
    offered = selectors.people_met(request.user)
    return _page(request, PeopleForm(offered=offered), offered)


@require_POST
def people_action(request):
    """Add the ticked people as contacts, or stop offering them."""
    offered = selectors.people_met(request.user)
    form = PeopleForm(request.POST, offered=offered)
    if not form.is_valid():
        return _page(request, form, offered, status=400)
    chosen = form.chosen()
    if request.POST.get("action") == "ignore":
        services.ignore_people(request.user, [email for email, _ in chosen])
        messages.success(request, f"No longer offering {len(chosen)} "
                                  f"{'person' if len(chosen) == 1 else 'people'}.")
    else:
        created = services.add_people(request.user, chosen)
        messages.success(request, f"Added {len(created)} contact{'s' if len(created) != 1 else ''}"
                                  ": their meetings and mails are now in Review.")
    return redirect("capture:people")
