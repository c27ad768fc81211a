import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.django_db
def test_pages_require_sign_in(client):
    response = client.get(reverse("contacts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_sign_in_with_the_right_password(client):
    UserFactory(username="ada")
    response = client.post(reverse("login"), {"login": "ada", "password": "correct horse battery"})
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_keeps_the_username(client):
    UserFactory(username="ada")
    response = client.post(reverse("login"), {"login": "ada", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert 'value="ada"' in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_out(client, settings):
    UserFactory(username="ada")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"login": "ada", "password": "guess"})
    response = client.post(reverse("login"), {"login": "ada", "password": "correct horse battery"})
    assert response.status_code in (403, 429)
    assert "Too many failed sign-ins" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_sign_out_needs_post(owner_client):
    response = owner_client.post(reverse("logout"))
    assert response.status_code == 302
    assert owner_client.get(reverse("contacts:list")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_mail_with_a_working_link(client, django_capture_on_commit_callbacks):
    from network_crm.celery import app as celery_app

    UserFactory(username="ada", email="ada@example.com")
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("password_reset"), {"email": "ada@example.com"})
    finally:
        celery_app.conf.task_always_eager = eager
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    response = client.get("/accounts/reset/" + link.split("/accounts/reset/", 1)[1], follow=True)
    assert "Choose a new password" in response.content.decode()


@pytest.mark.django_db
def test_password_change_page_loads_for_a_signed_in_user(owner_client):
    assert owner_client.get(reverse("password_change")).status_code == 200


@pytest.mark.django_db
def test_signup_is_off_by_default(client):
    assert client.get("/accounts/signup/").status_code in (302, 404)


@pytest.mark.django_db
def test_ensure_login_creates_one_superuser_and_prints_its_password(tmp_path, settings, capsys):
    from django.contrib.auth import get_user_model

    settings.DATA_DIR = tmp_path
    call_command("ensure_login", username="me")
    out = capsys.readouterr().out
    user = get_user_model().objects.get()
    assert user.is_superuser and user.username == "me"
    password = out.split("with password '")[1].split("'")[0]
    assert user.check_password(password)
    call_command("ensure_login", username="me")
    assert get_user_model().objects.count() == 1
    assert password in capsys.readouterr().out


@pytest.mark.django_db
def test_ensure_login_stops_printing_once_the_password_is_changed(tmp_path, settings, capsys):
    from django.contrib.auth import get_user_model

    settings.DATA_DIR = tmp_path
    call_command("ensure_login", username="me")
    user = get_user_model().objects.get()
    user.set_password("a brand new passphrase")
    user.save()
    capsys.readouterr()
    call_command("ensure_login", username="me")
    assert "with password" not in capsys.readouterr().out
    assert not (tmp_path / "first-login.txt").exists()


@pytest.mark.django_db
def test_ensure_login_keeps_a_password_file_per_database(tmp_path, settings, capsys):
    """An SQLite and a PostgreSQL run in one checkout: each keeps its own printed password."""
    from django.contrib.auth import get_user_model

    from contacts.management.commands.ensure_login import first_login_file

    settings.DATA_DIR = tmp_path
    (tmp_path / "first-login.txt").write_text("me\nthe-sqlite-password\n")
    call_command("ensure_login", username="me")
    password = capsys.readouterr().out.split("with password '")[1].split("'")[0]
    assert get_user_model().objects.get().check_password(password)
    assert (tmp_path / "first-login.txt").read_text() == "me\nthe-sqlite-password\n"
    assert first_login_file() != tmp_path / "first-login.txt"
    assert first_login_file().read_text().split("\n")[1] == password
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "db.sqlite3"}
    assert first_login_file(sqlite) == tmp_path / "first-login.txt"


@pytest.mark.django_db
def test_ensure_login_says_how_to_get_back_in_when_no_password_is_printed(tmp_path, settings, capsys):
    from tests.factories import UserFactory

    settings.DATA_DIR = tmp_path
    UserFactory(username="ada", is_superuser=True)
    call_command("ensure_login", username="me")
    out = capsys.readouterr().out
    assert "with password" not in out
    assert "manage.py changepassword ada" in out
