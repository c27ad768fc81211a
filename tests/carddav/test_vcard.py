"""vCard content lines: escaping, folding at 75 octets, Apple's grouped labels, structured
names, and what is kept aside for the phone."""

import pytest

from carddav.vcard import reading, syntax, writing
from carddav.models import Card
from tests.factories import ContactFactory


def test_text_is_escaped_and_unescaped_the_same_way():
    text = "a, b; c\\d\nnew line"
    assert syntax.unescape(syntax.escape(text)) == text
    assert syntax.split_escaped(syntax.escape("x;y") + ";z", ";") == ["x;y", "z"]


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "NOTE:" + "é" * 100
    folded = syntax.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert syntax.content_lines(folded) == [line]


def test_apple_group_labels_become_the_label_and_go_back_out(db):
    phone = reading.parse(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\n"
        "item1.EMAIL;type=INTERNET:ada@example.org\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
        "item2.TEL:+1 555\r\nitem2.X-ABLabel:Lab bench\r\nEND:VCARD\r\n")
    assert phone.emails == [("other", "ada@example.org")]
    assert phone.phones == [("Lab bench", "+1 555")]
    assert phone.extra == []
    contact = ContactFactory(name="Ada")
    text = writing.render(Card(uid="u"), contact, [("other", "ada@example.org")],
                        [("Lab bench", "+1 555")], [], "3.0")
    assert "EMAIL;TYPE=INTERNET,other:ada@example.org" in text
    assert "ncrm1.TEL:+1 555\r\nncrm1.X-ABLabel:Lab bench" in text


def test_the_phones_structured_name_is_used_while_the_name_is_unchanged(db):
    contact = ContactFactory(name="Guido van Rossum")
    card = Card(uid="u", structured_name="van Rossum;Guido;;;",
                structured_name_for="Guido van Rossum")
    assert "N:van Rossum;Guido;;;" in writing.render(card, contact, [], [], [], "4.0")
    contact.name = "Guido Rossum"
    assert "N:Rossum;Guido;;;" in writing.render(card, contact, [], [], [], "4.0")


@pytest.mark.parametrize("lines, name", [
    (["FN:", "N:Hopper;Grace;Murray;Rear Admiral;"], "Rear Admiral Grace Murray Hopper"),
    (["ORG:Acme Inc."], "Acme Inc."),
    (["EMAIL:someone@example.org"], "someone@example.org"),
    ([], "Unnamed"),
])
def test_a_card_without_a_display_name_still_names_its_contact(lines, name):
    text = "\r\n".join(["BEGIN:VCARD", "VERSION:4.0", *lines, "END:VCARD"])
    assert reading.parse(text).name == name


def test_invalid_emails_and_long_numbers_are_kept_aside_not_lost():
    phone = reading.parse("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEMAIL:not an email\r\n"
                        f"TEL:{'1' * 50}\r\nURL:https://example.org\r\nURL:https://second.example\r\n"
                        "END:VCARD")
    assert phone.emails == [] and phone.phones == []
    assert phone.website == "https://example.org"
    assert phone.extra == ["EMAIL:not an email", f"TEL:{'1' * 50}", "URL:https://second.example"]


def test_quoted_parameters_may_hold_colons_and_semicolons():
    phone = reading.parse('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n'
                        'ADR;LABEL="1 Main St; Springfield: USA":;;1 Main St;;;;\r\nEND:VCARD')
    assert phone.extra == ['ADR;LABEL="1 Main St; Springfield: USA":;;1 Main St;;;;']


def test_vcard_4_tel_uris_are_read_as_numbers():
    phone = reading.parse("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nTEL;VALUE=uri;TYPE=cell:tel:+1-555-0100\r\n"
                        "END:VCARD")
    assert phone.phones == [("cell", "+1-555-0100")]
