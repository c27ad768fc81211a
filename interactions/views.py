"""Pages for interactions (and the Log form), gives/received/asks, mentorships, and the follow-up
actions. Thin function views: forms validate, services write, selectors read; with htmx the same
view answers with a `{% partialdef %}` fragment and fires an HX-Trigger event for other cards."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from contacts.access import get_owned_or_404
from contacts.models import Contact
from contacts.search import finds_word_starts
from contacts.views import confirm_delete, deleted_response, is_htmx, next_url
from network_crm import fragment_cache
from network_crm.pagination import page_of
from network_crm.undo import delete_token

from . import selectors, services, undo
from .dashboard.views import trigger_card_event
from .forms import InteractionForm, LogForm, MentorshipForm, SupportForm
from .models import (
    Direction,
    Interaction,
    InteractionKind,
    Mentorship,
    Support,
    SupportStatus,
)

PAGE_SIZE = 50
INTERACTION_LOGGED = "interactionLogged"
PROMISE_CHANGED = "promiseChanged"


def _page(request, queryset):
    page = page_of(queryset, request.GET.get("page"), PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _int_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


# --- interactions and the Log form -----------------------------------------------------------


@require_GET
def interaction_list(request):
    """The interactions list. Its results (rows and pages) are kept per user and query string
    like the contacts list's (network_crm.fragment_cache): rendering 50 rows was most of the
    page, and a search reads every name of the account (7-10 ms at 30,000 contacts); a write of
    the user's builds them again."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in InteractionKind.values else ""
    q = request.GET.get("q", "").strip()

    def results_context():
        page, query = _page(request, selectors.interaction_results(request.user, kind=kind, q=q))
        return {
            "page": page, "query": query, "kind": kind, "q": q,
            "word_starts": finds_word_starts(q),
        }

    results = fragment_cache.partial(
        request, timezone.localdate(), fragment_cache.query_slug(request, "interactions"),
        "interactions/list.html#results", results_context,
    )
    if is_htmx(request):
        return HttpResponse(results)
    context = {"results": results, "kind": kind, "q": q, "kinds": InteractionKind.choices}
    return render(request, "interactions/list.html", context)


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def interaction_create(request):
    # ?contact=<id> (or ?contacts=<id>&contacts=<id> from the dashboard) preselects people; the
    # picker shows only the owner's among them.
    wanted = request.GET.getlist("contacts") + request.GET.getlist("contact")
    form = LogForm(
        request.POST or None,
        owner=request.user,
        today=timezone.localdate(),
        initial={"contacts": [pk for pk in wanted if pk.isdigit()]},
    )
    if request.method == "POST" and form.is_valid():
        interaction = services.log_interaction(request.user, form.cleaned_data)
        contacts = list(form.cleaned_data["contacts"])
        names = ", ".join(c.display_name for c in contacts)
        if is_htmx(request):
            response = render(
                request,
                "interactions/log.html#logged",
                {
                    "interaction": interaction,
                    "names": names,
                    "next": next_url(request, ""),
                },
            )
            return trigger_card_event(
                response,
                INTERACTION_LOGGED,
                {
                    "contacts": [c.pk for c in contacts],
                    "message": f"Logged: {interaction} with {names}.",
                },
            )
        messages.success(request, f"Logged: {interaction} with {names}.")
        return redirect(next_url(request, reverse("contacts:detail", args=[contacts[0].pk])))
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    if is_htmx(request):
        # Only a GET aimed at base.html's #modal needs the dialog frame; the dashboard's own
        # <dialog> and the "Log another" link want the bare form.
        partial = (
            "log_modal"
            if request.method == "GET" and request.htmx.target == "modal"
            else "log_form"
        )
        return render(request, f"interactions/log.html#{partial}", context)
    return render(request, "interactions/log.html", context)


@fragment_cache.keeps_contacts
@require_POST
def quick_log(request, contact_pk, kind):
    if kind not in services.QUICK_LOGS:
        raise Http404("Unknown quick log")
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    interaction = services.quick_log(request.user, contact, kind)
    if is_htmx(request):
        response = render(
            request,
            "interactions/quick_log_done.html",
            {
                "interaction": interaction,
                "contact": contact,
            },
        )
        return trigger_card_event(
            response,
            INTERACTION_LOGGED,
            {
                "contacts": [contact.pk],
                "message": f"Logged “{interaction.summary}” for {contact.display_name}.",
                "quick": True,
            },
        )
    messages.success(request, f"Logged: {interaction} ({contact.display_name}).")
    return redirect(next_url(request, reverse("contacts:detail", args=[contact.pk])))


@require_GET
def interaction_detail(request, pk):
    interaction = get_owned_or_404(selectors.interaction_detail(request.user), request.user, pk=pk)
    return render(request, "interactions/detail.html", {"interaction": interaction})


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def interaction_edit(request, pk):
    interaction = get_owned_or_404(Interaction, request.user, pk=pk)
    local_day = timezone.localtime(interaction.occurred_at).date()
    form = InteractionForm(
        request.POST or None,
        instance=interaction,
        owner=request.user,
        today=timezone.localdate(),
        initial={"occurred_on": local_day},
    )
    if request.method == "POST" and form.is_valid():
        services.update_interaction(interaction, form.cleaned_data)
        messages.success(request, "Interaction saved.")
        return redirect(next_url(request, reverse("interactions:detail", args=[pk])))
    return render(
        request, "interactions/form.html", {"form": form, "interaction": interaction}
    )


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def interaction_delete(request, pk):
    interaction = get_owned_or_404(Interaction, request.user, pk=pk)
    if request.method == "POST":
        token = delete_token(request.user, undo.INTERACTION, interaction)
        services.delete_interaction(interaction)
        return deleted_response(
            request,
            reverse("interactions:list"),
            f"Interaction deleted: {interaction}.",
            INTERACTION_LOGGED,
            token,
        )
    return confirm_delete(
        request,
        interaction,
        action=reverse("interactions:delete", args=[pk]),
        cancel=reverse("interactions:detail", args=[pk]),
        what="interaction",
    )


# --- gives, received, asks ------------------------------------------------------------------


@require_GET
def support_list(request):
    """Gives, received and asks. Its results are kept per user and query string like the
    interactions list's (network_crm.fragment_cache): 50 rows, each with five links and a
    form, were 20 ms of Python and put the warm page over its 30 ms target."""
    direction = request.GET.get("direction", "")
    direction = direction if direction in Direction.values else ""
    status = request.GET.get("status", "")
    status = status if status in SupportStatus.values else ""

    def results_context():
        page, query = _page(
            request, selectors.support_list(request.user, direction=direction, status=status)
        )
        return {"page": page, "query": query}

    results = fragment_cache.partial(
        request, timezone.localdate(), fragment_cache.query_slug(request, "supports"),
        "interactions/support_list.html#results", results_context,
    )
    if is_htmx(request):
        return HttpResponse(results)
    context = {
        "results": results,
        "direction": direction,
        "status": status,
        "directions": Direction.choices,
        "statuses": SupportStatus.choices,
    }
    return render(request, "interactions/support_list.html", context)


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def support_create(request):
    initial = {"offered_on": timezone.localdate()}
    direction = request.GET.get("direction", "")
    if direction in Direction.values:
        initial["direction"] = direction
    contact_id = _int_param(request, "contact")
    if contact_id and Contact.objects.filter(owner=request.user, pk=contact_id).exists():
        initial["contact"] = contact_id
    form = SupportForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        support = services.save_support(
            request.user, form.cleaned_data, today=timezone.localdate()
        )
        messages.success(request, f"{support.get_direction_display()} saved.")
        return redirect(next_url(request, reverse("contacts:detail", args=[support.contact_id])))
    return render(
        request,
        "interactions/support_form.html",
        {
            "form": form,
            "support": None,
            "next": request.GET.get("next", ""),
        },
    )


@require_GET
def support_detail(request, pk):
    support = get_owned_or_404(selectors.support_detail(request.user), request.user, pk=pk)
    return render(request, "interactions/support_detail.html", {"support": support})


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def support_edit(request, pk):
    support = get_owned_or_404(Support, request.user, pk=pk)
    form = SupportForm(request.POST or None, instance=support, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_support(
            request.user, form.cleaned_data, support, today=timezone.localdate()
        )
        messages.success(request, "Saved.")
        return redirect(next_url(request, reverse("interactions:support_detail", args=[pk])))
    return render(request, "interactions/support_form.html", {"form": form, "support": support})


@fragment_cache.keeps_contacts
@require_POST
def support_mark_done(request, pk):
    support = get_owned_or_404(selectors.support_detail(request.user), request.user, pk=pk)
    services.mark_support_done(support, timezone.localdate())
    if is_htmx(request):
        response = render(
            request, "interactions/support_list.html#support_row", {"support": support}
        )
        return trigger_client_event(response, PROMISE_CHANGED, {"id": support.pk})
    messages.success(request, f"Marked done: {support}.")
    return redirect(next_url(request, reverse("interactions:support_list")))


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def support_delete(request, pk):
    support = get_owned_or_404(Support, request.user, pk=pk)
    if request.method == "POST":
        token = delete_token(request.user, undo.SUPPORT, support)
        services.delete_support(support)
        return deleted_response(
            request,
            reverse("interactions:support_list"),
            f"Deleted: {support}.",
            PROMISE_CHANGED,
            token,
        )
    return confirm_delete(
        request,
        support,
        action=reverse("interactions:support_delete", args=[pk]),
        cancel=reverse("interactions:support_detail", args=[pk]),
        what=support.get_direction_display().lower(),
    )


# --- mentorships -----------------------------------------------------------------------------


@require_GET
def mentorship_list(request):
    return render(
        request,
        "interactions/mentorship_list.html",
        {
            "groups": selectors.mentorship_groups(request.user),
        },
    )


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def mentorship_create(request):
    initial = {"started_on": timezone.localdate()}
    form = MentorshipForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        mentorship = services.save_mentorship(request.user, form.cleaned_data)
        messages.success(request, "Mentorship saved.")
        return redirect(reverse("interactions:mentorship_detail", args=[mentorship.pk]))
    return render(request, "interactions/mentorship_form.html", {"form": form, "mentorship": None})


@require_GET
def mentorship_detail(request, pk):
    mentorship = get_owned_or_404(selectors.mentorship_detail(request.user), request.user, pk=pk)
    return render(request, "interactions/mentorship_detail.html", {"mentorship": mentorship})


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def mentorship_edit(request, pk):
    mentorship = get_owned_or_404(Mentorship, request.user, pk=pk)
    form = MentorshipForm(request.POST or None, instance=mentorship, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_mentorship(request.user, form.cleaned_data, mentorship)
        messages.success(request, "Mentorship saved.")
        return redirect(reverse("interactions:mentorship_detail", args=[pk]))
    return render(
        request, "interactions/mentorship_form.html", {"form": form, "mentorship": mentorship}
    )


@fragment_cache.keeps_contacts
@require_http_methods(["GET", "POST"])
def mentorship_delete(request, pk):
    mentorship = get_owned_or_404(Mentorship, request.user, pk=pk)
    if request.method == "POST":
        token = delete_token(request.user, undo.MENTORSHIP, mentorship)
        services.delete_mentorship(mentorship)
        return deleted_response(
            request,
            reverse("interactions:mentorship_list"),
            f"Mentorship deleted: {mentorship}.",
            "mentorshipChanged",
            token,
        )
    return confirm_delete(
        request,
        mentorship,
        action=reverse("interactions:mentorship_delete", args=[pk]),
        cancel=reverse("interactions:mentorship_detail", args=[pk]),
        what="mentorship",
    )
