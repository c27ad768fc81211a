"""`manage.py send_digests [--user NAME] [--dry-run] [--now ISO-TIME]`."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from interactions.models import Digest, DigestStatus
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Users are created in almost every test; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DUE = "2026-03-30T07:05:00+00:00"  # Monday, just after a 07:00 UTC digest hour


@pytest.fixture
def ada():
    user = UserFactory(username="ada")
    ProfileFactory(owner=user, digest_weekday=0, digest_hour=7)
    return user


def run(*args) -> str:
    out = StringIO()
    call_command("send_digests", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_prints_the_due_digest_and_sends_nothing(ada):
    output = run("--dry-run", "--now", DUE)
    assert "ada <ada@example.com>: DUE NOW" in output and "Subject: Your week" in output
    assert "REACH OUT" in output
    assert mail.outbox == [] and not Digest.objects.exists()


def test_dry_run_says_when_a_digest_is_not_due_yet(ada):
    output = run("--dry-run", "--now", "2026-03-30T06:00:00+00:00")
    assert "not due until 2026-03-30T07:00:00+00:00" in output


def test_command_sends_due_digests_once(ada):
    first = run("--now", DUE)
    second = run("--now", DUE)
    assert "1 digest sent." in first and "0 digests sent." in second
    assert len(mail.outbox) == 1
    assert Digest.objects.get().status == DigestStatus.SENT


def test_command_with_user_sends_only_theirs(ada):
    ProfileFactory(owner=UserFactory(username="bob"), digest_weekday=0, digest_hour=7)
    run("--user", "bob", "--now", DUE)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]


def test_naive_now_is_read_as_utc(ada):
    run("--now", "2026-03-30T07:05")
    assert len(mail.outbox) == 1


def test_unknown_user_is_an_error(ada):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("--user", "nobody")


def test_bad_now_is_an_error(ada):
    with pytest.raises(CommandError, match="not an ISO time"):
        run("--now", "next monday")
