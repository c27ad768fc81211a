"""Settings → Calendars and mail: add, change, read now and remove sources; each shows its
state and its last error. Secrets are shown masked and never sent back to the browser."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.access import get_owned_or_404

from .. import crypto, selectors, services
from ..forms import SOURCE_FORMS, initial_for
from ..models import Source, SourceKind


def _masked(source: Source) -> str:
    if source.kind == SourceKind.IMAP:
        return f"{source.username} @ {source.host}:{source.port}"
    try:
        return crypto.mask_url(crypto.decrypt(source.url_encrypted))
    except crypto.CredentialsUnavailable:
        return "(address unreadable with the current key)"


@require_GET
def source_list(request):
    rows = [{"source": s, "masked": _masked(s)} for s in selectors.sources(request.user)]
    return render(request, "capture/sources.html", {
        "rows": rows, "kinds": SourceKind.choices, "keys_available": crypto.available(),
    })


def _form_page(request, form, *, kind, source=None, status=200):
    return render(request, "capture/source_form.html", {
        "form": form, "source": source, "kind_label": SourceKind(kind).label, "kind": kind,
    }, status=status)


@require_http_methods(["GET", "POST"])
def source_new(request, source_kind):
    if source_kind not in SOURCE_FORMS:
        raise Http404("No such kind of source.")
    form_class = SOURCE_FORMS[source_kind]
    form = form_class(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        source = services.save_source(request.user, source_kind, form.cleaned_data)
        _read_soon(source)
        messages.success(request, f"Added {source.name}: it is being read now.")
        return redirect("capture:sources")
    return _form_page(request, form, kind=source_kind, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def source_edit(request, pk):
    source = get_owned_or_404(Source, request.user, pk=pk)
    form_class = SOURCE_FORMS[source.kind]
    form = form_class(request.POST or None, owner=request.user, instance=source,
                      initial=initial_for(source))
    if request.method == "POST" and form.is_valid():
        services.save_source(request.user, source.kind, form.cleaned_data, source)
        messages.success(request, f"Saved {source.name}.")
        return redirect("capture:sources")
    return _form_page(request, form, kind=source.kind, source=source,
                      status=400 if form.is_bound else 200)


def _read_soon(source: Source) -> None:
    from ..tasks import read_source

    claimed = services.claim_source(source.pk, force=True)
    if claimed:
        transaction.on_commit(lambda: read_source.delay(*claimed))


@require_POST
def source_read(request, pk):
    source = get_owned_or_404(Source, request.user, pk=pk)
    _read_soon(source)
    messages.success(request, f"Reading {source.name} now; refresh in a moment.")
    return redirect("capture:sources")


@require_POST
def source_remove(request, pk):
    source = get_owned_or_404(Source, request.user, pk=pk)
    name = source.name
    services.remove_source(source)
    messages.success(request, f"Removed {name} and its stored credentials.")
    return redirect("capture:sources")
