"""Every GET page of the URLconf, with the parameters a heavy user's visit would have.

`pages_of(user)` walks the resolver (nothing is listed by hand, so a new page is measured the
day it is added) and fills each route's parameters from the account: the contact with the
longest history, the event with most people met, the interaction with most people, a broad
one-letter search. Routes that are not pages of a signed-in person are left out by prefix,
each with its reason (`SKIPPED_PREFIXES`); routes that answer a GET with 405 are POST-only
and left out by the walk itself (pages.py).
"""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Not pages of a person's browser, or pages that need more than an account to open; measured
# elsewhere or not at all.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin (staff only)",  # measured by hand: docs/performance.md, 'The admin'
    "api/v1/": "the REST API (its list endpoint is the sync phase's 'API contacts list')",
    "dav/": "CardDAV (the sync phase)",
    ".well-known/": "CardDAV discovery redirect",
    "accounts/oidc/": "single sign-on's way to the provider (none is configured)",
    "accounts/sso/signup/": "single sign-on's way to the provider (none is configured)",
    "accounts/2fa/authenticate/": "a sign-in's second step (needs a sign-in under way)",
    "accounts/passkey/": "a sign-in's second step (needs a sign-in under way)",
    "accounts/reset/": "e-mailed password-reset links (they redirect to the form)",
    # Backups send the whole account by definition; measured as downloads, not pages.
    "data/export/contacts.": "export downloads (the whole account, streamed)",
    "data/export/everything.json": "export downloads (the whole account, streamed)",
}
# Pages of someone not signed in: signing in, a forgotten password, and the confirmation an
# e-mailed one-click link opens.
SIGNED_OUT = {
    "login", "account_inactive", "password_reset", "password_reset_done",
    "password_reset_complete", "socialaccount_login_cancelled", "socialaccount_login_error",
    "digest:action",
}
# Broad one-letter searches return a full page of results at any size; a word no row holds
# (zzqx) and two letters no word starts with (zq) find nothing, which reads the most.
QUERY_VARIANTS = {
    "contacts:list": ["", "?q=a", "?q=zzqx", "?q=zq", "?due=on&sort=last"],
    "contacts:search": ["?q=a", "?q=zzqx", "?q=zq"],
    "interactions:list": ["", "?q=a", "?q=zzqx", "?q=zq"],
    "data:merge": ["?q=a"],
}
# The Log form in the dialog the dashboard's Log button opens (htmx, aimed at #modal).
HTMX_VARIANTS = {"interactions:create": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "modal"}}
# Pieces of a page that only htmx asks for (a channel's row, polled while a test is on its way).
HTMX_ONLY = {"notifications:channel_row": {"HTTP_HX_REQUEST": "true"}}


@dataclass(frozen=True)
class Page:
    name: str  # route name and variant, e.g. "contacts:list ?q=a"
    path: str
    headers: tuple = ()
    signed_out: bool = False


def routes(patterns=None, prefix="", namespace=""):
    """(route text, name with namespaces, pattern) of every URL pattern, in URLconf order."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def skipped_prefix(route: str) -> str | None:
    return next((prefix for prefix in SKIPPED_PREFIXES if route.startswith(prefix)), None)


class Rows:
    """The account's rows that the routes' parameters are chosen from (None: none exists)."""

    def __init__(self, user):
        from capture.models import Source, Suggestion, SuggestionStatus
        from contacts.models import Contact, ContactLink, Event
        from interactions.backup.models import RestoreJob
        from interactions.models import Interaction, Mentorship, Support
        from notifications.models import Channel

        mine = {"owner": user}
        self.user = user
        self.contact = (
            Contact.objects.filter(**mine).annotate(n=Count("interactions"))
            .order_by("-n", "pk").values_list("pk", flat=True).first()
        )
        self.event = (
            Event.objects.filter(**mine).annotate(n=Count("people_met"))
            .order_by("-n", "pk").values_list("pk", flat=True).first()
        )
        self.interaction = (
            Interaction.objects.filter(**mine).annotate(n=Count("contacts"))
            .order_by("-n", "-occurred_at").values_list("pk", flat=True).first()
        )
        self.support = Support.objects.filter(**mine).order_by("-pk").values_list(
            "pk", flat=True).first()
        self.mentorship = Mentorship.objects.filter(**mine).order_by("-pk").values_list(
            "pk", flat=True).first()
        self.link = ContactLink.objects.filter(**mine).order_by("-pk").values_list(
            "pk", flat=True).first()
        # What surroundings.py adds beside the network: the newest suggestion still to review,
        # the mailbox, a reminder channel and a finished restore.
        self.by_route = {
            "capture:log_form": Suggestion.objects.filter(
                **mine, status=SuggestionStatus.PENDING).order_by("-ends_at"),
            "capture:source_edit": Source.objects.filter(**mine).order_by("-pk"),
            "data:restore_job": RestoreJob.objects.filter(**mine).order_by("-pk"),
            "notifications:channel_row": Channel.objects.filter(**mine).order_by("-pk"),
        }

    def kwargs_for(self, name: str, arguments: list[str]) -> list[dict] | None:
        """The keyword arguments to reverse `name` with (one dict per variant), or None."""
        if not arguments:
            return [{}]
        if name == "dashboard_card":
            from interactions.dashboard.views import CARDS

            return [{"card": slug} for slug in CARDS]
        if name == "capture:source_new":
            from capture.models import SourceKind

            return [{"source_kind": kind} for kind in SourceKind.values]
        if name == "calendar_feed":
            from contacts.services import get_profile

            return [{"token": get_profile(self.user).calendar_token}]
        if name == "digest:action":
            from interactions.digests.tokens import make_action_token
            from interactions.models import FollowUp, FollowUpStatus

            follow_up = FollowUp.objects.filter(
                owner=self.user, status=FollowUpStatus.OPEN).order_by("due_on", "pk").first()
            return [{"token": make_action_token(follow_up, "done")}] if follow_up else None
        if name == "digest:unsubscribe":
            from interactions.digests.tokens import make_unsubscribe_token

            return [{"token": make_unsubscribe_token(self.user.pk)}]
        if arguments != ["pk"]:
            return None
        pk = self._pk_for(name)
        return None if pk is None else [{"pk": pk}]

    def _pk_for(self, name: str):
        if name in self.by_route:
            return self.by_route[name].values_list("pk", flat=True).first()
        if name.startswith("contacts:event_"):
            return self.event
        if name.startswith("contacts:link_") and name != "contacts:link_create":
            return self.link
        if name.startswith(("contacts:", "data:", "insights:contact")):
            return self.contact
        if name.startswith("interactions:support_"):
            return self.support
        if name.startswith("interactions:mentorship_"):
            return self.mentorship
        if name.startswith("interactions:"):
            return self.interaction
        return None  # rows the bench accounts do not have


def _without_row(pattern, name: str, arguments: list[str]) -> str:
    """Why a route whose row the account lacks is left out: POST-only routes answer a GET with
    405 before they look for their row, whatever its id."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    try:
        answer = pattern.callback(request, **dict.fromkeys(arguments, 0))
    except Exception:  # noqa: BLE001 - a view that wanted a row or a signed-in user
        answer = None
    if getattr(answer, "status_code", None) == 405:
        return "POST only"
    return "no such row in the bench accounts"


def pages_of(user) -> tuple[list[Page], dict[str, str]]:
    """The pages to measure in `user`'s account, and the routes (or route prefixes) left out,
    each with the reason."""
    rows = Rows(user)
    pages, skipped, seen = [], {}, set()
    for route, name, pattern in routes():
        if route in seen:  # aliases (login and account_login…) are one page
            continue
        seen.add(route)
        prefix = skipped_prefix(route)
        if prefix:
            skipped[prefix] = SKIPPED_PREFIXES[prefix]
            continue
        arguments = list(pattern.pattern.regex.groupindex)
        variants = rows.kwargs_for(name, arguments)
        if variants is None:
            skipped[name] = _without_row(pattern, name, arguments)
            continue
        for kwargs in variants:
            path = reverse(name, kwargs=kwargs)
            label = name + "".join(f" {v}" for k, v in kwargs.items() if k not in ("pk", "token"))
            if name in HTMX_ONLY:
                pages.append(Page(label, path, tuple(HTMX_ONLY[name].items())))
                continue
            for query in QUERY_VARIANTS.get(name, [""]):
                pages.append(Page(
                    f"{label} {query}".strip(), path + query, signed_out=name in SIGNED_OUT
                ))
            if name in HTMX_VARIANTS:
                pages.append(Page(f"{label} (dialog)", path, tuple(HTMX_VARIANTS[name].items())))
    return pages, skipped
