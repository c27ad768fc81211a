"""Files in the layouts real exporters write, each imported twice into one account (the second
time nothing is new) and all of them into one account (the same people across sources)."""

import pytest

from contacts.dates.models import ImportantDate
from contacts.importing.results import Status
from contacts.importing.services import run_import
from contacts.models import Contact, ContactKind
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

LINKEDIN_2018 = (
    "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
    "Hannah,Schulz,urn:li:member:123456,Zalando,Engineer,\"1/8/18, 6:14 PM\"\r\n"
    "Omar,Haddad,omar@haddad.example,Careem,CTO,\"12/24/17, 9:02 AM\"\r\n"
)
LINKEDIN_CURRENT = (
    "Notes:\n\"When exporting your connection data, you may notice that some of the email "
    "addresses are missing.\"\n\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Omar,Haddad,https://www.linkedin.com/in/omarhaddad,omar@haddad.example,Careem,CTO,24 Dec 2017\n"
    "Mei,Chen,https://www.linkedin.com/in/meichen,,Shopify,Director,08 Jan 2018\n"
    "Mei,Chen,https://www.linkedin.com/in/mei-chen-2,,Shopee,Engineer,09 Jan 2018\n"
)
GOOGLE_CSV = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Last Name,Nickname,File As,"
    "Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Organization Name,Organization Title,Organization Department,Website 1 - Label,"
    "Website 1 - Value,Custom Field 1 - Label,Custom Field 1 - Value\n"
    "太郎,,山田,たろう,やまだ,,,1990-05-03,,* myContacts,* Work,taro@yamada.example,Mobile,"
    "090-1234-5678,Sony,Engineer,,,,Shoe size,43\n"
    ",,,,,,Acme Plumbing,,Fixes taps,* myContacts,,,Work,+1 206 555 0199,Acme Plumbing,,,"
    "Homepage,acme-plumbing.example,,\n"
    "Omar,,Haddad,,,,,--,n/a,* myContacts,Work,omar@haddad.example,Mobile,+1 (206) 555-0134,"
    "Careem,CTO,,,,,\n"
)
OUTLOOK_CSV = (
    "First Name,Middle Name,Last Name,Title,Suffix,Nickname,E-mail Address,E-mail 2 Address,"
    "Business Phone,Mobile Phone,Company,Department,Job Title,Birthday,Notes,Categories\n"
    "Omar,,Haddad,,,,omar@haddad.example,,,+1 206 555 0134,Careem,,CTO,4/15/1979,,Work\n"
    "Kev,,Plumber,,,,,,,206.555.0177,,,,0/0/00,Mom's plumber,\n"
)
GERMAN_SEMICOLON = (
    "Vorname;Nachname;Firma;Telefon;Geburtstag;Notiz;Lieblingsfarbe\r\n"
    "Jürgen;Müller;Siemens AG;030 1234567;15.04.1985;Kennt den Vorstand;blau\r\n"
    "Anna;Weber;-;0171 2345678;n/a;;grün;zu viel\r\n"
    "Lena;Fischer;SAP\r\n"
)
APPLE_VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎;;;\r\nFN:山田 太郎\r\n"
    "X-PHONETIC-FIRST-NAME:タロウ\r\nX-PHONETIC-LAST-NAME:ヤマダ\r\nORG:Sony;R&D\r\n"
    "item1.TEL;type=CELL;type=VOICE;type=pref:+81 90-1234-5678\r\nitem1.X-ABLabel:_$!<Mobile>!$_\r\n"
    "EMAIL;type=INTERNET;type=WORK:taro@yamada.example\r\nUID:taro-1\r\n"
    "NOTE:Met in Tokyo\\: great ramen\\, really\\nSecond line that is quite long and is fol\r\n"
    " ded here\r\nBDAY:1604-05-03\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n"
    " /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Friends\r\nN:Friends;;;;\r\n"
    "X-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:taro-1\r\nEND:VCARD\r\n"
)
ANDROID_VCARD = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BC=\r\n"
    "rgen;;;\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "TEL;CELL:+49 30 1234567\r\nORG:Siemens AG\r\nEND:VCARD\r\n"
)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


EXPORTS = {
    "linkedin_2018.csv": (LINKEDIN_2018, "utf-8"),
    "Connections.csv": (LINKEDIN_CURRENT, "utf-8"),
    "google.csv": (GOOGLE_CSV, "utf-8"),
    "outlook.csv": (OUTLOOK_CSV, "cp1252"),
    "kontakte.csv": (GERMAN_SEMICOLON, "utf-8-sig"),
    "kontakte_utf16.txt": (GERMAN_SEMICOLON.replace(";", "\t"), "utf-16"),
    "apple.vcf": (APPLE_VCARD, "utf-8"),
    "android.vcf": (ANDROID_VCARD, "utf-8"),
}


@pytest.fixture
def account(owner):
    ProfileFactory(owner=owner, phone_region="DE")
    return owner


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_export_imported_twice_is_nothing_new_the_second_time(account, tmp_path, name):
    text, encoding = EXPORTS[name]
    path = write(tmp_path, name, text, encoding)
    first = run_import(path, account, dry_run=False)
    assert first.created > 0 and not first.counts[Status.ERROR]
    count = Contact.objects.filter(owner=account).count()
    again = run_import(path, account, dry_run=False)
    assert again.nothing_new, [r.as_dict() for r in again.rows]
    assert "Nothing new" in again.text()
    assert Contact.objects.filter(owner=account).count() == count


def test_linkedin_2018_dates_parse_and_a_member_urn_loses_only_its_cell(account, tmp_path):
    summary = run_import(write(tmp_path, "c.csv", LINKEDIN_2018), account, dry_run=False)
    hannah = Contact.objects.get(name="Hannah Schulz")
    assert hannah.how_we_met == "Connected on LinkedIn on 8 Jan 2018"
    assert not hannah.emails.exists()
    assert summary.rows[0].warnings == ["“urn:li:member:123456” is not an email address; left out"]
    assert Contact.objects.get(name="Omar Haddad").how_we_met == "Connected on LinkedIn on 24 Dec 2017"


def test_google_organisation_row_phonetic_name_placeholders_and_birthday(account, tmp_path):
    summary = run_import(write(tmp_path, "g.csv", GOOGLE_CSV), account, dry_run=False)
    acme = Contact.objects.get(name="Acme Plumbing")
    assert acme.kind == ContactKind.ORGANISATION
    assert list(acme.phones.values_list("number", flat=True)) == ["+12065550199"]
    taro = Contact.objects.get(emails__email="taro@yamada.example")
    assert taro.phonetic_name == "たろう やまだ"
    assert ImportantDate.objects.filter(contact=taro, month=5, day=3, year=1990).exists()
    omar = Contact.objects.get(name="Omar Haddad")
    assert omar.notes == ""  # "n/a" is a placeholder, stored empty
    assert "Custom Field 1 - Value" in summary.unmapped


def test_german_semicolon_sheet_maps_columns_by_their_german_names(account, tmp_path):
    summary = run_import(write(tmp_path, "k.csv", GERMAN_SEMICOLON, "utf-8-sig"), account,
                         dry_run=False)
    jurgen = Contact.objects.get(name="Jürgen Müller")
    assert (jurgen.company, jurgen.notes) == ("Siemens AG", "Kennt den Vorstand")
    assert list(jurgen.phones.values_list("number", flat=True)) == ["+49301234567"]
    assert ImportantDate.objects.filter(contact=jurgen, month=4, day=15, year=1985).exists()
    assert summary.unmapped == ["Lieblingsfarbe"]
    warnings = {r.line: r.warnings for r in summary.rows if r.warnings}
    assert warnings == {
        3: ["8 cells where the header names 7 columns: “zu viel” not imported"],
        4: ["3 cells where the header names 7 columns: the rest taken as blank"],
    }
    assert Contact.objects.get(name="Anna Weber").company == ""  # "-" stored empty


def test_vcards_keep_labels_units_escapes_and_report_groups_and_photos(account, tmp_path):
    summary = run_import(write(tmp_path, "a.vcf", APPLE_VCARD), account, dry_run=False)
    taro = Contact.objects.get(name="山田 太郎")
    assert (taro.company, taro.department) == ("Sony", "R&D")
    assert taro.notes.startswith("Met in Tokyo: great ramen, really\nSecond line")
    assert "folded here" in taro.notes
    assert list(taro.phones.values_list("number", "label")) == [("+819012345678", "Mobile")]
    assert list(taro.emails.values_list("label", flat=True)) == ["work"]
    assert list(taro.tags.values_list("name", flat=True)) == ["Friends"]
    assert ImportantDate.objects.get(contact=taro).year is None
    rows = {r.line: r for r in summary.rows}
    assert rows[1].warnings == ["its photo is not imported (contacts have no picture here)"]
    assert rows[2].status == Status.SKIPPED
    assert rows[2].reason == "“Friends” is a group, not a person: its member is tagged “Friends”"


def test_all_sources_into_one_account_match_by_strong_identifiers_only(account, tmp_path):
    for name in ("Connections.csv", "google.csv", "outlook.csv", "apple.vcf", "kontakte.csv",
                 "android.vcf"):
        text, encoding = EXPORTS[name]
        run_import(write(tmp_path, name, text, encoding), account, dry_run=False)
    # Omar: LinkedIn, Google and Outlook share his email; his phone written two ways is one.
    omar = Contact.objects.get(owner=account, name="Omar Haddad")
    assert list(omar.phones.values_list("number", flat=True)) == ["+12065550134"]
    # Two Mei Chens with their own LinkedIn profiles stay two people.
    assert Contact.objects.filter(owner=account, name="Mei Chen").count() == 2
    # Taro from Google and from Apple share an email: one contact.
    assert Contact.objects.filter(owner=account, emails__email="taro@yamada.example").count() == 1
    # Jürgen from the German sheet and the Android card share his phone: one contact.
    assert Contact.objects.filter(owner=account, name="Jürgen Müller").count() == 1
