"""Password reset: mailed by the worker after the commit, throttled per address and per client,
and the same answer whether an account has the address or not."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client
from django.urls import reverse

from accounts.tasks import send_password_reset
from network_crm.celery import app as celery_app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def ask(client, email, callbacks):
    with callbacks(execute=False) as queued:
        response = client.post(reverse("password_reset"), {"email": email})
    return response, [cb for cb in queued if "PasswordResetForm.save" in cb.__qualname__]


def test_the_mail_leaves_through_the_worker_not_inside_the_request(
    client, django_capture_on_commit_callbacks, eager, settings
):
    settings.SITE_URL = "http://127.0.0.1:8200"
    UserFactory(username="ada", email="ada@example.com")
    response, queued = ask(client, "ada@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == [] and len(queued) == 1
    queued[0]()  # the commit: the worker (eager here) sends it
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    assert link.startswith("http://127.0.0.1:8200/accounts/reset/")
    page = client.get(link.removeprefix("http://127.0.0.1:8200"), follow=True)
    assert "Choose a new password" in page.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_the_same_work(
    client, django_capture_on_commit_callbacks, eager
):
    UserFactory(username="ada", email="ada@example.com")
    known, known_queued = ask(client, "ada@example.com", django_capture_on_commit_callbacks)
    unknown, unknown_queued = ask(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(known_queued) == len(unknown_queued) == 1
    unknown_queued[0]()
    assert mail.outbox == []


def test_one_address_gets_three_mails_an_hour_and_then_the_same_page(
    client, django_capture_on_commit_callbacks
):
    answers = [ask(client, "ada@example.com", django_capture_on_commit_callbacks)
               for _ in range(5)]
    assert [len(queued) for _, queued in answers] == [1, 1, 1, 0, 0]
    assert {response["Location"] for response, _ in answers} == {reverse("password_reset_done")}


def test_one_client_asking_for_many_addresses_is_told_to_wait(
    client, django_capture_on_commit_callbacks, settings
):
    answers = [ask(client, f"guess{i}@example.com", django_capture_on_commit_callbacks)
               for i in range(11)]
    assert [len(queued) for _, queued in answers] == [1] * 10 + [0]
    last = answers[-1][0]
    assert last.status_code == 200
    assert "Too many password reset requests" in last.content.decode()
    # Another client is not affected.
    response = Client(REMOTE_ADDR="203.0.113.9").post(
        reverse("password_reset"), {"email": "guess0b@example.com"}
    )
    assert response.status_code == 302


class FailsOnce(LocmemBackend):
    calls = 0

    def send_messages(self, messages):
        FailsOnce.calls += 1
        if FailsOnce.calls == 1:
            raise smtplib.SMTPRecipientsRefused({"ada@example.com": (451, b"greylisted")})
        return super().send_messages(messages)


def test_the_worker_retries_a_temporary_mail_error_and_sends_once(settings, eager):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailsOnce"}}
    FailsOnce.calls = 0
    UserFactory(username="ada", email="ada@example.com")
    send_password_reset.apply(args=["ada@example.com"])
    assert FailsOnce.calls == 2 and len(mail.outbox) == 1
