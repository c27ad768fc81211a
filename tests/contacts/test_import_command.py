"""`manage.py import_contacts` prints the same summary as the admin and owns rows to --user."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact

FIXTURES = Path(__file__).parent / "importing" / "fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args):
    out = StringIO()
    call_command("import_contacts", *args, stdout=out)
    return out.getvalue()


def test_command_imports_for_the_named_user(owner):
    output = run(str(FIXTURES / "linkedin_connections.csv"), "--user", "owner")
    assert "6 new" in output
    assert Contact.objects.filter(owner=owner).count() == 6


def test_command_lists_refused_rows_with_line_and_reason(owner):
    output = run(str(FIXTURES / "linkedin_connections.csv"), "--user", "owner")
    assert "line 10: skipped — no name or email address" in output


def test_command_dry_run_writes_nothing(owner):
    output = run(str(FIXTURES / "contacts_v21.vcf"), "--user", "owner", "--dry-run")
    assert "3 new" in output and "dry run" in output
    assert not Contact.objects.exists()


def test_command_twice_second_run_is_all_duplicates(owner):
    run(str(FIXTURES / "outlook_contacts.csv"), "--user", "owner")
    output = run(str(FIXTURES / "outlook_contacts.csv"), "--user", "owner")
    assert "0 new, 0 updated, 3 duplicates" in output


def test_command_with_forced_format(owner):
    output = run(str(FIXTURES / "google_contacts.csv"), "--user", "owner", "--format", "google")
    assert "Google Contacts CSV" in output


def test_command_reports_unreadable_file_as_one_message(owner):
    with pytest.raises(CommandError, match="empty"):
        run(str(FIXTURES / "empty.csv"), "--user", "owner")


def test_command_unknown_user():
    with pytest.raises(CommandError, match="No user"):
        run(str(FIXTURES / "empty.csv"), "--user", "nobody")
