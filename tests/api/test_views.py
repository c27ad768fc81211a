"""Settings → API tokens and webhooks: tokens shown once, listed with their last use, revoked;
webhooks added, listed with their last delivery, paused and removed. `create_api_token` too."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.models import AccessToken, DeliveryStatus, Webhook, WebhookDelivery
from api.tokens import create_access_token
from api.webhooks.services import create_webhook
from tests.api.conftest import ApiClient


def test_the_settings_page_links_to_api_and_phones(owner_client):
    body = owner_client.get("/settings/").content.decode()
    assert "/settings/api/" in body and "/settings/phones/" in body


def test_a_new_token_is_shown_once_and_works(owner_client, owner):
    response = owner_client.post("/settings/api/tokens/new/",
                                 {"name": "Shortcuts", "scope": "write", "expires_in_days": "30"})
    assert response.status_code == 200
    token = response.context["new_token"]["token"]
    assert token in response.content.decode()
    assert token not in owner_client.get("/settings/api/").content.decode()
    row = AccessToken.objects.get(owner=owner)
    assert (row.name, row.scope) == ("Shortcuts", "write")
    assert row.expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    assert ApiClient(token).get("/api/v1/contacts/").status_code == 200


def test_tokens_are_listed_with_their_last_use(owner_client, owner):
    row, token = create_access_token(owner, "Backup script")
    ApiClient(token).get("/api/v1/contacts/")
    row.refresh_from_db()
    body = owner_client.get("/settings/api/").content.decode()
    cells = body.split("Backup script")[1].split("</tr>")[0]
    assert row.prefix in cells
    assert timezone.localtime(row.last_used_at).strftime("%H:%M") in cells


def test_a_token_form_with_errors_says_which_field(owner_client):
    response = owner_client.post("/settings/api/tokens/new/", {"name": "", "scope": "root"})
    assert response.status_code == 400
    assert response.context["token_form"].errors.keys() == {"name", "scope"}


def test_revoking_a_token_stops_it(owner_client, owner):
    row, token = create_access_token(owner, "old")
    response = owner_client.post(f"/settings/api/tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    assert ApiClient(token).get("/api/v1/contacts/").status_code == 401


def test_webhooks_are_added_and_listed_with_their_last_delivery(owner_client, owner):
    response = owner_client.post("/settings/api/webhooks/new/", {
        "url": "https://hooks.example.com/crm", "events": ["interaction.logged", "follow_up.due"]})
    assert response.status_code == 302
    hook = Webhook.objects.get(owner=owner)
    assert hook.events == ["interaction.logged", "follow_up.due"]
    WebhookDelivery.objects.create(owner=owner, webhook=hook, event="interaction.logged",
                                   event_key="a", payload={}, status=DeliveryStatus.FAILED,
                                   response_code=500, error="HTTP 500")
    body = owner_client.get("/settings/api/").content.decode()
    assert "https://hooks.example.com/crm" in body
    assert "failed" in body and "HTTP 500" in body and hook.secret in body


def test_a_webhook_needs_an_address_and_an_event(owner_client):
    response = owner_client.post("/settings/api/webhooks/new/", {"url": "not a url"})
    assert response.status_code == 400
    assert response.context["webhook_form"].errors.keys() == {"url", "events"}


def test_a_webhook_is_paused_and_removed(owner_client, owner):
    hook = create_webhook(owner, "https://hooks.example.com/x", ["contact.changed"])
    owner_client.post(f"/settings/api/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()
    assert not hook.active
    owner_client.post(f"/settings/api/webhooks/{hook.pk}/delete/")
    assert not Webhook.objects.exists()


def test_create_api_token_prints_a_working_token(owner):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "--user", "owner", "--scope", "write", "--expires", "7",
                 stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("ncrm_")
    assert "expires" in err.getvalue()
    row = AccessToken.objects.get(owner=owner)
    assert row.scope == "write" and row.expires_at is not None
    api = ApiClient(token)
    assert api.post("/api/v1/contacts/", {"name": "From the shell"}).status_code == 201


def test_create_api_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "--user", "nobody", stdout=StringIO())
