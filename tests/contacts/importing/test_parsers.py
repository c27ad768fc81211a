"""Each real exporter's format and each awkward file shape parses into the right records."""

import pytest

from contacts.importing.normalize import fold
from contacts.importing.parsers import format_birthday, linkedin_how_we_met, parse
from contacts.importing.sniff import Format, ImportFileError, sniff


def records(path, fmt=Format.AUTO):
    sniffed = sniff(path, fmt)
    return sniffed, list(parse(path, sniffed))


def test_linkedin_preamble_is_skipped_and_header_found(fixture_path):
    sniffed, rows = records(fixture_path("linkedin_connections.csv"))
    assert sniffed.format == Format.LINKEDIN
    assert rows[0].line == 5
    assert rows[0].record.name == "Priya Raman"


def test_linkedin_connected_on_becomes_how_we_met(fixture_path):
    _, rows = records(fixture_path("linkedin_connections.csv"))
    assert rows[0].record.how_we_met == "Connected on LinkedIn on 12 Mar 2021"
    assert rows[1].record.how_we_met == "Connected on LinkedIn on 3 Jan 2022"


def test_linkedin_blank_email_gives_no_email(fixture_path):
    _, rows = records(fixture_path("linkedin_connections.csv"))
    assert rows[1].record.emails == []
    assert rows[1].record.company == "Globex, Inc."


def test_google_current_headers(fixture_path):
    sniffed, rows = records(fixture_path("google_contacts.csv"))
    laura = rows[0].record
    assert sniffed.format == Format.GOOGLE
    assert (laura.name, laura.company, laura.title) == (
        "Laura Schmidt",
        "Zalando",
        "Head of Platform",
    )
    assert [e for e, _ in laura.emails] == [
        "laura.schmidt@zalando.example",
        "laura@schmidt.example",
    ]
    assert laura.linkedin_url == "https://www.linkedin.com/in/lauraschmidt"
    assert laura.birthday == (4, 15, 1985)
    assert laura.tags == ["Work"]


def test_google_quoted_newlines_keep_line_numbers(fixture_path):
    _, rows = records(fixture_path("google_contacts.csv"))
    assert [r.line for r in rows] == [2, 6, 7, 8]


def test_google_multi_value_cells_split(fixture_path):
    _, rows = records(fixture_path("google_contacts.csv"))
    assert [e for e, _ in rows[1].record.emails] == [
        "daniel.kim@netflix.example",
        "dkim@gmail.example",
    ]
    assert len(rows[1].record.phones) == 2


def test_google_legacy_headers(fixture_path):
    sniffed, rows = records(fixture_path("google_contacts_legacy.csv"))
    grace = rows[0].record
    assert sniffed.format == Format.GOOGLE
    assert (grace.name, grace.company, grace.title) == ("Grace Hopper", "US Navy", "Rear Admiral")
    assert grace.tags == ["Friends"]
    assert rows[1].record.website == "https://torvalds.example"


def test_outlook_cp1252(fixture_path):
    sniffed, rows = records(fixture_path("outlook_contacts.csv"))
    assert (sniffed.format, sniffed.encoding) == (Format.OUTLOOK, "cp1252")
    jurgen = rows[0].record
    assert (jurgen.name, jurgen.company, jurgen.location) == (
        "Jürgen Müller",
        "Siemens AG",
        "München, Germany",
    )
    assert jurgen.notes == "Prefers email – no calls before 10:00"
    assert rows[1].record.birthday == (4, 15, 1979)


def test_outlook_no_birthday_placeholder_is_ignored(fixture_path):
    _, rows = records(fixture_path("outlook_contacts.csv"))
    assert "Birthday" not in rows[2].record.notes


def test_vcard21_quoted_printable_with_soft_breaks(fixture_path):
    sniffed, rows = records(fixture_path("contacts_v21.vcf"))
    assert sniffed.format == Format.VCARD
    assert rows[0].record.name == "Jürgen Müller"
    assert rows[0].record.notes == "Trifft sich gern zum Kaffee.\r\nFragt nach dem Plattform-Team."
    assert rows[3].record.name == "Søren Østergaard"


def test_vcard_broken_card_is_one_error_row(fixture_path):
    _, rows = records(fixture_path("contacts_v21.vcf"))
    assert [bool(r.error) for r in rows] == [False, False, True, False]
    assert rows[2].line == 3
    assert "line 21" in rows[2].error


def test_vcard30_apple_item_labels_and_folded_lines(fixture_path):
    _, rows = records(fixture_path("contacts_v30_apple.vcf"))
    astrid = rows[0].record
    assert astrid.emails == [
        ("astrid@spotify.example", "Work"),
        ("astrid.l@proton.example", "Conference"),
    ]
    assert astrid.title == "Engineering Manager, Developer Experience and Internal Tooling"
    assert astrid.linkedin_url == "https://www.linkedin.com/in/astridlindqvist"


def test_vcard30_birthday_without_year_and_photo_reported(fixture_path):
    _, rows = records(fixture_path("contacts_v30_apple.vcf"))
    assert rows[0].record.birthday == (4, 15, None)
    assert rows[0].warnings == ["its photo is not imported (contacts have no picture here)"]


def test_vcard_company_only_card_is_an_organisation(fixture_path):
    _, rows = records(fixture_path("contacts_v30_apple.vcf"))
    assert (rows[1].record.company, rows[1].record.kind) == ("Acme Corp", "organisation")


def test_vcard40_uri_phone_and_no_year_birthday(fixture_path):
    _, rows = records(fixture_path("contacts_v40.vcf"))
    zoe = rows[0].record
    assert zoe.phones == [("+30-690-000-0000", "cell")]
    assert zoe.birthday == (4, 15, None)
    assert zoe.preferred_name == "Zo"
    assert rows[1].record.birthday == (3, 2, 1988)


def test_utf16_tab_separated(fixture_path):
    sniffed, rows = records(fixture_path("excel_unicode_text.txt"))
    assert (sniffed.encoding, sniffed.delimiter) == ("utf-16", "\t")
    assert rows[0].record.name == "Nguyễn Văn An"


def test_semicolon_utf8_bom_with_german_headers(fixture_path):
    sniffed, rows = records(fixture_path("excel_semicolon.csv"))
    assert (sniffed.encoding, sniffed.delimiter) == ("utf-8-sig", ";")
    assert rows[0].record.name == "Klaus Weber"
    assert rows[1].record.company == "Red Bull; Media House"


def test_ragged_rows_and_quoted_newlines(fixture_path):
    _, rows = records(fixture_path("generic_ragged.csv"))
    assert rows[0].record.notes == 'Ran the "Scaling teams" talk.\nFollow up about hiring.'
    assert [r.line for r in rows] == [2, 4, 5, 6, 7, 8]
    assert rows[1].record.name == "Noah Wilson"
    assert rows[4].skip == "empty row"


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.csv", "empty"),
        ("no_header.csv", "No recognisable header"),
        ("not_contacts.png", "not a contact file"),
    ],
)
def test_unreadable_files_give_one_clear_message(fixture_path, name, message):
    with pytest.raises(ImportFileError, match=message):
        sniff(fixture_path(name))


def test_requesting_the_wrong_format_is_explained(fixture_path):
    with pytest.raises(ImportFileError, match="does not look like"):
        sniff(fixture_path("linkedin_connections.csv"), Format.OUTLOOK)


@pytest.mark.parametrize(
    "value, text",
    [
        ("--0415", "Birthday: 15 April"),
        ("--04-15", "Birthday: 15 April"),
        ("1604-04-15", "Birthday: 15 April"),
        ("1985-04-15", "Birthday: 15 April 1985"),
        ("4/15/1979", "Birthday: 15 April 1979"),
        ("0/0/00", ""),
    ],
)
def test_birthday_formats(value, text):
    assert format_birthday(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("12 Mar 2021", "Connected on LinkedIn on 12 Mar 2021"),
        ("01 mar 2021", "Connected on LinkedIn on 1 Mar 2021"),
        ("29 Feb 2024", "Connected on LinkedIn on 29 Feb 2024"),
        # Not a day of that month, or not LinkedIn's usual shape: the other formats, then as is.
        ("29 Feb 2023", "Connected on LinkedIn on 29 Feb 2023"),
        ("12-Mar-21", "Connected on LinkedIn on 12 Mar 2021"),
        ("Mar 12, 2021", "Connected on LinkedIn on 12 Mar 2021"),
        ("12  Mar 2021", "Connected on LinkedIn on 12 Mar 2021"),
        ("someday", "Connected on LinkedIn on someday"),
        ("", "Connected on LinkedIn"),
    ],
)
def test_linkedin_connected_on_formats(value, text):
    assert linkedin_how_we_met(value) == text


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Priya Raman", "priya raman"),
        ("  Priya   Raman ", "priya raman"),
        ("Priya\tRaman", "priya raman"),
        ("O'Brien-Smith", "o brien smith"),
        ("Seán Ó Súilleabháin", "sean o suilleabhain"),
        ("under_score", "under_score"),
    ],
)
def test_names_fold_to_lower_case_words(text, folded):
    assert fold(text) == folded


def test_linkedin_odd_rows_read_by_position(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        "Ada,Lovelace\r\n"  # short: the missing cells are blank
        "Alan,Turing,,,Bletchley,,23 Jun 1940,extra,cells\r\n"
        " , ,,,,,01 Jan 2020\r\n"  # only a date: nothing to import
        + "Filler,Row,,,,,\r\n" * 30  # a NUL in the first lines would read as a binary file
        + "Gr\x00ace,Hopper, https://linkedin.com/in/grace ,grace@navy.example,,,\r\n",
        encoding="utf-8",
    )
    sniffed, rows = records(path)
    assert sniffed.format == Format.LINKEDIN
    ada, alan, blank, *_, grace = rows
    assert (ada.record.name, ada.record.company, ada.record.emails) == ("Ada Lovelace", "", [])
    assert ada.raw == {"first name": "Ada", "last name": "Lovelace"}
    assert alan.record.how_we_met == "Connected on LinkedIn on 23 Jun 1940"
    assert alan.raw["connected on"] == "23 Jun 1940" and len(alan.raw) == 7
    assert (blank.skip, blank.record) == ("empty row", None)
    assert blank.raw["connected on"] == "01 Jan 2020"
    assert grace.record.name == "Grace Hopper"
    assert grace.record.linkedin_url == "https://linkedin.com/in/grace"
    assert grace.record.emails == [("grace@navy.example", "LinkedIn")]
    assert grace.record.how_we_met == "Connected on LinkedIn"


def test_linkedin_profile_url_column_and_missing_columns(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,Profile URL,Connected On\r\n"
        "Ada,Lovelace,https://www.linkedin.com/in/ada,10 Dec 2015\r\n",
        encoding="utf-8",
    )
    _, rows = records(path)
    assert rows[0].record.linkedin_url == "https://www.linkedin.com/in/ada"
    assert (rows[0].record.company, rows[0].record.title) == ("", "")
