"""Settings → Phones: app passwords shown once, listed, revoked; the phone setup in three
lines; `create_app_password`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from carddav.auth import create_app_password
from carddav.models import AppPassword
from tests.carddav.conftest import DavClient


def test_a_new_app_password_is_shown_once_and_opens_carddav(owner_client, owner):
    response = owner_client.post("/settings/phones/passwords/new/", {"name": "Ada's iPhone"})
    assert response.status_code == 200
    password = response.context["new_password"]["password"]
    assert password in response.content.decode()
    page = owner_client.get("/settings/phones/").content.decode()
    assert password not in page and "Ada&#x27;s iPhone" in page
    assert "http://testserver/dav/" in page  # the server address to type on the phone
    assert DavClient("owner", password).propfind("/dav/owner/contacts/").status_code == 207


def test_an_app_password_may_be_typed_without_dashes_or_in_capitals(owner):
    _, password = create_app_password(owner, "phone")
    typed = password.replace("-", "").upper()
    assert DavClient("owner", typed).propfind("/dav/").status_code == 207


def test_revoking_an_app_password_signs_the_device_out(owner_client, owner):
    row, password = create_app_password(owner, "old phone")
    owner_client.post(f"/settings/phones/passwords/{row.pk}/revoke/")
    assert not AppPassword.objects.exists()
    assert DavClient("owner", password).propfind("/dav/").status_code == 401


def test_using_an_app_password_records_when(owner, dav):
    dav.propfind("/dav/")
    assert AppPassword.objects.get(owner=owner).last_used_at is not None


def test_create_app_password_prints_a_working_password(owner):
    out = StringIO()
    call_command("create_app_password", "--user", "owner", "--name", "Thunderbird",
                 stdout=out, stderr=StringIO())
    password = out.getvalue().strip()
    assert AppPassword.objects.get(owner=owner).name == "Thunderbird"
    assert DavClient("owner", password).propfind("/dav/").status_code == 207


def test_create_app_password_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("create_app_password", "--user", "nobody", stdout=StringIO())
