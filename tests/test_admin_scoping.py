"""Every admin list of the project's own rows shows a staff member their own rows only, whatever
permissions they hold (contacts.admin_mixins). Found by walking the admin's registry, so a model
registered tomorrow is covered without editing this file; a superuser still sees every row."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from api.webhooks.services import create_webhook
from carddav.auth import create_app_password
from tests.factories import UserFactory

# The apps whose rows belong to a user (the admin's third-party models, such as Django's users
# and allauth's addresses, are gated by permissions alone, as Django ships them).
PROJECT_APPS = {
    "accounts", "api", "capture", "carddav", "contacts", "interactions", "notifications", "webapp",
}


def _owned_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        path = getattr(model_admin, "owner_path", "owner")
        if path == "owner" and not any(f.name == "owner" for f in model._meta.fields):
            continue
        yield pytest.param(model_admin, path, id=model._meta.label)


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return type(user).objects.get(pk=user.pk)  # permissions are cached on the instance


@pytest.mark.parametrize(("model_admin", "path"), _owned_admins())
def test_a_staff_members_admin_list_holds_only_their_rows(staff, model_admin, path):
    request = RequestFactory().get("/admin/")
    request.user = staff
    sql, params = model_admin.get_queryset(request).query.sql_with_params()
    column = "owner_id" if path == "owner" else path.split("__")[-1] + "_id"
    assert column in sql and staff.pk in params, f"{model_admin} lists every user's rows"


def test_a_staff_member_does_not_see_another_users_webhook_or_phone(client, staff):
    stranger = UserFactory()
    create_webhook(stranger, "https://hooks.example.com/stranger-secret", ["interaction.logged"])
    create_app_password(stranger, "Stranger's phone")
    mine = create_webhook(staff, "https://hooks.example.com/mine", ["interaction.logged"])
    client.force_login(staff)

    hooks = client.get("/admin/api/webhook/")
    phones = client.get("/admin/carddav/apppassword/")

    assert hooks.status_code == 200 and phones.status_code == 200
    assert mine.url in hooks.text
    assert "stranger-secret" not in hooks.text
    assert "Stranger&#x27;s phone" not in phones.text and "Stranger's phone" not in phones.text
    assert client.get(f"/admin/api/webhook/{mine.pk}/change/").status_code == 200


def test_a_superuser_still_sees_every_users_webhook(admin_client):
    stranger = UserFactory()
    create_webhook(stranger, "https://hooks.example.com/stranger", ["interaction.logged"])

    assert "hooks.example.com/stranger" in admin_client.get("/admin/api/webhook/").text
