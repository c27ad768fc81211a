"""The installable app: its manifest and service worker (served at the site root so that it
controls every page), the offline fallback and outbox pages, and the endpoints the browser's
outbox uses: who is signed in (with a fresh CSRF token), the Log form's idempotent POST, and
the contacts the Log form can pick from without a connection."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from contacts.views import next_url
from interactions.dashboard.views import trigger_card_event
from interactions.forms import LogForm
from interactions.views import INTERACTION_LOGGED
from network_crm import fragment_cache

from . import selectors, services, shell


@login_not_required
@require_GET
def manifest(request):
    return JsonResponse(
        shell.manifest(), content_type="application/manifest+json", json_dumps_params={"indent": 1}
    )


@login_not_required
@never_cache
@require_GET
def service_worker(request):
    """/sw.js: at the root, so its scope is the whole site. Never cached by HTTP: the browser
    compares it byte for byte to learn of a new version."""
    context = {
        "version": shell.version(),
        "shell": json.dumps(shell.shell_urls()),
        "pages": json.dumps(shell.offline_pages()),
        "directory": json.dumps(reverse("webapp:contacts")),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "outbox_script": json.dumps(static("js/outbox.js")),
        "outbox_urls": json.dumps(
            {"session": reverse("webapp:session"), "log": reverse("webapp:log")}
        ),
        "no_cache": json.dumps(["/accounts/", "/admin/", "/app/", "/digest/", "/calendar/"]),
    }
    response = render(request, "webapp/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """What the service worker shows for a page it has no copy of while offline."""
    return render(request, "webapp/offline.html")


@require_GET
def outbox(request):
    """The conversations logged on this device and what became of them (read from IndexedDB
    by static/js/offline.js)."""
    return render(request, "webapp/outbox.html")


@login_not_required
@never_cache
@require_GET
def session(request):
    """Who is signed in, and a CSRF token for the outbox's POSTs: a page from the cache may
    carry an old one, and a service worker reads no cookies."""
    if not request.user.is_authenticated:
        return JsonResponse({"user": None})
    return JsonResponse({"user": request.user.pk, "csrf_token": get_token(request)})


@never_cache
@require_GET
def contacts(request):
    """The people the user talked to most recently as [id, name, company] (at most
    `selectors.DIRECTORY_SIZE`): the Log form's picker searches these on the device when there
    is no connection. One query."""
    return JsonResponse({"contacts": selectors.contact_directory(request.user)})


def _logged_response(request, result: services.Logged, wants_json: bool):
    interaction = result.interaction
    if wants_json:
        return JsonResponse(
            {
                "status": "saved" if result.new else "already saved",
                "interaction": interaction.pk if interaction else None,
                "url": reverse("interactions:detail", args=[interaction.pk])
                if interaction
                else None,
                "summary": str(interaction) if interaction else "",
            },
            status=201 if result.new else 200,
        )
    if interaction is None:  # logged before, deleted since: nothing to show but that
        return render(request, "webapp/already_logged.html")
    names = ", ".join(c.display_name for c in interaction.contacts.all())
    response = render(
        request,
        "interactions/log.html#logged",
        {"interaction": interaction, "names": names, "next": next_url(request, "")},
    )
    return trigger_card_event(
        response,
        INTERACTION_LOGGED,
        {
            "contacts": [c.pk for c in interaction.contacts.all()],
            "message": f"Logged: {interaction} with {names}.",
        },
    )


@fragment_cache.keeps_contacts
@require_POST
def log(request):
    """The Log form's POST with an idempotency key (`idempotency_key`, made by the browser):
    logged once however often it arrives. htmx gets the Log form's own fragments; the outbox
    (Accept: application/json) gets JSON: 201 logged, 200 logged before, 422 with the errors."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    key = services.parse_key(request.POST.get("idempotency_key"))
    if wants_json and key is None:
        return JsonResponse({"errors": {"idempotency_key": ["A key is required."]}}, status=400)
    if key is not None:
        earlier = services.already_logged(request.user, key)
        if earlier is not None:
            return _logged_response(request, earlier, wants_json)
    form = LogForm(request.POST, owner=request.user, today=timezone.localdate())
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=422)
        context = {"form": form, "next": request.POST.get("next", "")}
        return render(request, "interactions/log.html#log_form", context)
    logged_at = parse_datetime(request.POST.get("logged_at") or "")
    if logged_at is not None and timezone.is_naive(logged_at):
        logged_at = None
    result = services.log_once(request.user, key, form.cleaned_data, logged_at=logged_at)
    return _logged_response(request, result, wants_json)
