"""Settings → API and webhooks: personal access tokens and outgoing webhooks."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from contacts.access import get_owned_or_404

from . import selectors, tokens
from .forms import AccessTokenForm, WebhookForm
from .models import AccessToken, Webhook
from .webhooks import services as webhooks


def _page(request, *, token_form=None, webhook_form=None, new_token=None, status=200):
    context = {
        "tokens": selectors.access_tokens(request.user),
        "webhooks": selectors.webhooks_with_last_delivery(request.user),
        "token_form": token_form or AccessTokenForm(),
        "webhook_form": webhook_form or WebhookForm(),
        "new_token": new_token,
        "api_root": request.build_absolute_uri(reverse("api:contact-list")),
    }
    return render(request, "api/settings.html", context, status=status)


@require_GET
def access_page(request):
    return _page(request)


@require_POST
def token_create(request):
    form = AccessTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, token_form=form, status=400)
    row, token = tokens.create_access_token(
        request.user, form.cleaned_data["name"], form.cleaned_data["scope"],
        form.cleaned_data["expires_in_days"],
    )
    # Rendered, not redirected: the token is shown this once and is not kept anywhere.
    return _page(request, new_token={"row": row, "token": token})


@require_POST
def token_revoke(request, pk):
    row = get_owned_or_404(AccessToken, request.user, pk=pk)
    tokens.revoke_access_token(row)
    messages.success(request, f"Token “{row.name}” revoked: it no longer works.")
    return redirect("api_settings:page")


@require_POST
def webhook_create(request):
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, webhook_form=form, status=400)
    webhooks.create_webhook(request.user, form.cleaned_data["url"], form.cleaned_data["events"])
    messages.success(request, "Webhook added. Check its signatures with the secret shown below.")
    return redirect("api_settings:page")


@require_POST
def webhook_toggle(request, pk):
    hook = get_owned_or_404(Webhook, request.user, pk=pk)
    webhooks.set_active(hook, not hook.active)
    return redirect("api_settings:page")


@require_POST
def webhook_delete(request, pk):
    hook = get_owned_or_404(Webhook, request.user, pk=pk)
    webhooks.delete_webhook(hook)
    messages.success(request, "Webhook removed.")
    return redirect("api_settings:page")
