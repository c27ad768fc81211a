"""Matching never merges two people: strong identifiers (email, LinkedIn profile, phone in
E.164) decide; a name alone makes a possible duplicate, listed and never merged."""

import pytest

from contacts.importing.normalize import norm_linkedin
from contacts.importing.results import Status
from contacts.importing.services import run_import
from contacts.models import Contact, ContactKind
from contacts.names import name_keys, similar_names
from tests.factories import ContactEmailFactory, ContactFactory, ProfileFactory

pytestmark = pytest.mark.django_db

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def by_line(summary):
    return {r.line: r for r in summary.rows}


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/Ana-Lima/",
        "http://linkedin.com/in/ana-lima?trk=people",
        "HTTPS://WWW.LINKEDIN.COM/in/ana%2Dlima",
        "linkedin.com/in/ana-lima#about",
        "https://br.linkedin.com/in/ana-lima/",
    ],
)
def test_a_linkedin_profile_url_is_one_key_however_it_is_written(url):
    assert norm_linkedin(url) == "linkedin.com/in/ana-lima"


def test_name_keys_see_through_script_order_accents_and_nicknames():
    assert name_keys("山田 太郎", "やまだ たろう") & name_keys("Taro Yamada")
    assert name_keys("ヤマダ タロウ") & name_keys("Yamada Tarō")
    assert name_keys("Bob Smith") & name_keys("Robert Smith")
    assert name_keys("José García") == name_keys("Jose Garcia")
    assert not name_keys("Ada Lovelace") & name_keys("Grace Hopper")
    assert similar_names("Ada", "Ada Lovelace")
    assert not similar_names("Ada Lovelace", "Grace Hopper")


def test_one_phone_number_written_two_ways_is_one_person(owner, tmp_path):
    ProfileFactory(owner=owner, phone_region="US")
    contact = ContactFactory(owner=owner, name="Kev Plumber")
    contact.phones.create(number="+12065550134")
    path = write(tmp_path, "phones.csv", "Name,Phone,Notes\nKev Plumber,(206) 555-0134,fixes taps\n")
    summary = run_import(path, owner, dry_run=False, mapping=["name", "phone", "notes"])
    assert summary.rows[0].status == Status.UPDATE
    assert "by phone" in summary.rows[0].reason
    assert list(contact.phones.values_list("number", flat=True)) == ["+12065550134"]


def test_a_shared_phone_with_another_name_is_a_possible_duplicate(owner, tmp_path):
    ProfileFactory(owner=owner, phone_region="US")
    ContactFactory(owner=owner, name="Front Desk").phones.create(number="+12065550100")
    path = write(tmp_path, "phones.csv", "Name,Phone\nMaria Ortiz,206-555-0100\n")
    summary = run_import(path, owner, dry_run=False, mapping=["name", "phone"])
    assert summary.rows[0].status == Status.POSSIBLE
    assert "same phone, but a different name" in summary.rows[0].reason
    assert Contact.objects.filter(owner=owner).count() == 2


def test_the_same_email_with_two_linkedin_profiles_is_two_people(owner, tmp_path):
    known = ContactFactory(
        owner=owner, name="Sam Lee", linkedin_url="https://www.linkedin.com/in/sam-lee-1"
    )
    ContactEmailFactory(contact=known, email="team@acme.example")
    path = write(
        tmp_path,
        "Connections.csv",
        LINKEDIN_HEADER
        + "Sam,Lee,https://www.linkedin.com/in/sam-lee-2,team@acme.example,Acme,CTO,08 Jan 2018\n",
    )
    summary = run_import(path, owner, dry_run=False)
    assert summary.rows[0].status == Status.POSSIBLE
    assert "a different LinkedIn profile" in summary.rows[0].reason
    assert sorted(Contact.objects.values_list("linkedin_url", flat=True)) == [
        "https://www.linkedin.com/in/sam-lee-1",
        "https://www.linkedin.com/in/sam-lee-2",
    ]


def test_a_nickname_is_a_possible_duplicate_not_a_merge(owner, tmp_path):
    ContactFactory(owner=owner, name="Robert Smith", company="Initech")
    path = write(tmp_path, "people.csv", "Name,Email,Company\nBob Smith,bob@initech.example,Initech\n")
    summary = run_import(path, owner, dry_run=False, mapping=["name", "email", "company"])
    assert summary.rows[0].status == Status.POSSIBLE
    assert "“Robert Smith” (your contacts)" in summary.rows[0].reason
    assert Contact.objects.filter(owner=owner).count() == 2


def test_an_organisations_row_becomes_an_organisation_contact(owner, tmp_path):
    path = write(
        tmp_path,
        "orgs.csv",
        "Name,Company,Phone,Website\n,Acme Plumbing,+1 206 555 0199,acme-plumbing.example\n",
    )
    run_import(path, owner, dry_run=False, mapping=["name", "company", "phone", "website"])
    acme = Contact.objects.get(owner=owner)
    assert (acme.name, acme.kind) == ("Acme Plumbing", ContactKind.ORGANISATION)
    assert acme.website == "https://acme-plumbing.example"


def test_a_second_import_of_the_same_file_says_nothing_is_new(owner, tmp_path):
    path = write(
        tmp_path,
        "people.csv",
        "Name,Company,Notes\nMom,,call on Sundays\nPlumber - Kev,,\nAda Lovelace,Analytical,\n",
    )
    first = run_import(path, owner, dry_run=False, mapping=["name", "company", "notes"])
    assert first.created == 3 and not first.nothing_new
    again = run_import(path, owner, dry_run=True, mapping=["name", "company", "notes"])
    assert again.nothing_new
    assert "Nothing new" in again.text()
    assert Contact.objects.filter(owner=owner).count() == 3


def test_fifty_thousand_rows_with_repeated_names_give_one_contact_per_profile(owner, tmp_path):
    """LinkedIn's Connections.csv of a large network: 5,000 names are each two people (their
    own profile URL each); every URL must become exactly one contact."""
    lines = [LINKEDIN_HEADER]
    for i in range(50_000):
        person = i % 45_000  # rows 45,000 to 49,999 repeat the names of rows 0 to 4,999
        company = "Acme" if person % 2 else "Globex"
        lines.append(
            f"First{person},Last{person},https://www.linkedin.com/in/member-{i},,"
            f"{company},Engineer,08 Jan 2018\n"
        )
    path = write(tmp_path, "Connections.csv", "".join(lines))
    summary = run_import(path, owner, dry_run=False)
    assert summary.counts[Status.NEW] == 50_000
    assert Contact.objects.filter(owner=owner).count() == 50_000
    assert (
        Contact.objects.filter(owner=owner).values("linkedin_url").distinct().count() == 50_000
    )
