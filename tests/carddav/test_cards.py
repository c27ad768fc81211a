"""Cards written and read by a client: raw GET / PUT / DELETE with ETags and If-Match, REPORTs
(addressbook-multiget, addressbook-query, sync-collection), and the promise of two-way sync
without loss."""

import pytest
from django.urls import reverse

from carddav.models import Card
from carddav.sync import reconcile
from contacts import services
from contacts.models import Circle, Contact, ContactKind, ContactPhone, Tier
from tests.carddav.conftest import NS, prop, responses, vcard, xml
from tests.factories import ContactEmailFactory, ContactFactory
from tests.interactions.test_delete_undo import token_of

SYNC = """<d:sync-collection xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
  <d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>
  <d:prop><d:getetag/>{data}</d:prop></d:sync-collection>"""


def sync(dav, token="", address_data=False):
    body = SYNC.format(token=token, data="<card:address-data/>" if address_data else "")
    root = xml(dav.report(dav.book, body))
    return root.findtext("d:sync-token", namespaces=NS), responses(root)


def card_path(contact) -> str:
    reconcile(contact.owner)
    return f"/dav/{contact.owner.get_username()}/contacts/{Card.objects.get(contact=contact).name}"


@pytest.fixture
def ada(owner):
    contact = ContactFactory(owner=owner, name="Ada Lovelace", company="Analytical Engines",
                             circle=Circle.COMMUNITY, tier=Tier.CLOSE, notes="Owes me a reply",
                             cadence_days=21)
    ContactEmailFactory(contact=contact, email="ada@example.org")
    return contact


def test_get_renders_the_contact_as_vcard_3_by_default(dav, ada):
    response = dav.get(card_path(ada))
    assert response.status_code == 200
    text = response.content.decode()
    assert "VERSION:3.0" in text and "FN:Ada Lovelace" in text
    assert "EMAIL;TYPE=INTERNET:ada@example.org" in text
    assert "ORG:Analytical Engines" in text
    assert response["ETag"].startswith('"')


def test_accept_asks_for_vcard_4(dav, ada):
    text = dav.get(card_path(ada), accept="text/vcard; version=4.0").content.decode()
    assert "VERSION:4.0" in text


def test_crm_only_fields_never_reach_the_phone(dav, ada):
    text = dav.get(card_path(ada)).content.decode()
    assert "Owes me a reply" not in text and "community" not in text.lower()


def test_propfind_depth_1_lists_every_card_with_its_etag(dav, ada, owner):
    ContactFactory(owner=owner, name="Grace Hopper")
    ContactFactory(owner=owner, name="Archived", archived=True)
    body = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>'
    found = responses(xml(dav.propfind(dav.book, body, depth="1")))
    cards = [href for href in found if href != dav.book]
    assert len(cards) == 2  # the archived contact is not in the address book
    assert all(prop(found[h], "d:getetag").text.startswith('"') for h in cards)


def test_multiget_returns_the_cards_asked_for_and_404_for_the_rest(dav, ada):
    path = card_path(ada)
    body = f"""<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
      <d:prop><d:getetag/><card:address-data/></d:prop>
      <d:href>{path}</d:href><d:href>{dav.book}nobody.vcf</d:href></card:addressbook-multiget>"""
    found = responses(xml(dav.report(dav.book, body)))
    assert "FN:Ada Lovelace" in prop(found[path], "card:address-data").text
    assert "404" in found[f"{dav.book}nobody.vcf"].findtext("d:status", namespaces=NS)


def test_multiget_honours_the_version_asked_for_in_address_data(dav, ada):
    path = card_path(ada)
    body = f"""<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
      <d:prop><card:address-data content-type="text/vcard" version="4.0"/></d:prop>
      <d:href>{path}</d:href></card:addressbook-multiget>"""
    found = responses(xml(dav.report(dav.book, body)))
    assert "VERSION:4.0" in prop(found[path], "card:address-data").text


@pytest.mark.parametrize(
    "filter_xml, expected",
    [
        ('<card:prop-filter name="FN"><card:text-match collation="i;unicode-casemap" '
         'match-type="contains">LOVE</card:text-match></card:prop-filter>', {"Ada Lovelace"}),
        ('<card:prop-filter name="EMAIL"><card:text-match match-type="equals">'
         'grace@example.org</card:text-match></card:prop-filter>', {"Grace Hopper"}),
        ('<card:prop-filter name="EMAIL"><card:is-not-defined/></card:prop-filter>', {"Alan Turing"}),
        ('<card:prop-filter name="FN"><card:text-match negate-condition="yes">a</card:text-match>'
         "</card:prop-filter>", set()),
        ("", {"Ada Lovelace", "Grace Hopper", "Alan Turing"}),
    ],
)
def test_addressbook_query_filters_cards(dav, ada, owner, filter_xml, expected):
    ContactEmailFactory(contact=ContactFactory(owner=owner, name="Grace Hopper"),
                        email="grace@example.org")
    ContactFactory(owner=owner, name="Alan Turing")
    body = f"""<card:addressbook-query xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
      <d:prop><card:address-data/></d:prop><card:filter>{filter_xml}</card:filter>
      </card:addressbook-query>"""
    found = responses(xml(dav.report(dav.book, body)))
    names = {
        line[3:] for r in found.values()
        for line in prop(r, "card:address-data").text.splitlines() if line.startswith("FN:")
    }
    assert names == expected


def test_sync_collection_sends_only_what_changed_since_the_token(dav, ada, owner):
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    token, first = sync(dav)
    assert len(first) == 2
    services.update_contact(grace, {"title": "Rear Admiral"})
    token2, second = sync(dav, token)
    assert list(second) == [card_path(grace)]
    _, third = sync(dav, token2)
    assert third == {}


def test_sync_collection_reports_deleted_and_archived_cards_as_404(dav, ada, owner):
    grace = ContactFactory(owner=owner, name="Grace Hopper")
    ada_path, grace_path = card_path(ada), card_path(grace)
    token, _ = sync(dav)
    services.update_contact(ada, {"archived": True})
    services.delete_contact(grace)
    _, changes = sync(dav, token)
    assert set(changes) == {ada_path, grace_path}
    for response in changes.values():
        assert "404" in response.findtext("d:status", namespaces=NS)


@pytest.mark.parametrize("synced_while_deleted", [True, False])
def test_a_contact_deleted_then_undone_is_back_on_the_phone(
    dav, ada, owner, client, synced_while_deleted
):
    path = card_path(ada)
    token, _ = sync(dav)
    client.force_login(owner)
    response = client.post(reverse("contacts:delete", args=[ada.pk]), follow=True)
    if synced_while_deleted:
        token, changes = sync(dav, token)
        assert "404" in changes[path].findtext("d:status", namespaces=NS)
    client.post(reverse("undo"), {"token": token_of(response.text)})
    _, changes = sync(dav, token, address_data=True)
    if synced_while_deleted:
        # The phone removed the card: it is sent again, at the same address.
        assert "ada@example.org" in prop(changes[path], "card:address-data").text
    else:
        # The phone never saw the delete: nothing changed for it.
        assert changes == {}
    assert dav.get(path).status_code == 200


def test_sync_collection_sees_new_emails_and_tags_from_the_web_app(dav, ada):
    token, _ = sync(dav)
    services.set_tags(ada, ["speaker"])
    token, changes = sync(dav, token, address_data=True)
    assert "CATEGORIES:speaker" in prop(changes[card_path(ada)], "card:address-data").text
    ContactEmailFactory(contact=ada, email="countess@example.org")
    _, changes = sync(dav, token)
    assert list(changes) == [card_path(ada)]


def test_sync_collection_refuses_a_token_it_never_issued(dav):
    response = dav.report(dav.book, SYNC.format(token="http://example.com/sync/99", data=""))
    assert response.status_code == 403
    assert b"valid-sync-token" in response.content


def test_put_of_a_new_card_creates_a_contact(dav, owner):
    card = vcard(uid="new-1", fn="Katherine Johnson", email="kj@nasa.example", extra=(
        "N:Johnson;Katherine;;;\r\nORG:NASA;Flight Research\r\nTITLE:Mathematician\r\n"
        "TEL;TYPE=CELL:+1 555 0100\r\nNICKNAME:Kat\r\nCATEGORIES:space,math"))
    response = dav.put(f"{dav.book}new-1.vcf", card, if_none_match="*")
    assert response.status_code == 201
    contact = Contact.objects.get(owner=owner, name="Katherine Johnson")
    assert (contact.company, contact.department, contact.title, contact.preferred_name) == (
        "NASA", "Flight Research", "Mathematician", "Kat")
    assert [e.email for e in contact.emails.all()] == ["kj@nasa.example"]
    assert [(p.label, p.number) for p in contact.phones.all()] == [("cell", "+1 555 0100")]
    assert sorted(t.name for t in contact.tags.all()) == ["math", "space"]
    # A phone knows nothing of circle, discipline or tier: the person is unsorted, with no
    # cadence until the user sorts them (the same rule as an import).
    assert (contact.circle, contact.discipline, contact.tier) == ("", "", "")
    assert contact.next_follow_up_on is None


def test_if_none_match_star_refuses_to_overwrite(dav, ada):
    response = dav.put(card_path(ada), vcard(fn="Someone else"), if_none_match="*")
    assert response.status_code == 412
    ada.refresh_from_db()
    assert ada.name == "Ada Lovelace"


def test_a_stale_if_match_is_a_412_not_an_overwrite(dav, ada):
    path = card_path(ada)
    etag = dav.get(path)["ETag"]
    services.update_contact(ada, {"title": "Countess"})  # edited in the web app meanwhile
    assert dav.get(path)["ETag"] != etag
    response = dav.put(path, vcard(uid=Card.objects.get(contact=ada).uid, fn="Ada King"),
                       if_match=etag)
    assert response.status_code == 412
    ada.refresh_from_db()
    assert (ada.name, ada.title) == ("Ada Lovelace", "Countess")


def test_a_phone_edit_updates_the_same_contact_and_keeps_crm_fields(dav, ada, owner):
    path = card_path(ada)
    etag = dav.get(path)["ETag"]
    uid = Card.objects.get(contact=ada).uid
    response = dav.put(path, vcard(uid=uid, fn="Ada King", email="ada@example.org",
                                   extra="TEL;TYPE=HOME:+44 20 7946 0000"), if_match=etag)
    assert response.status_code == 204
    assert Contact.objects.filter(owner=owner).count() == 1
    ada.refresh_from_db()
    assert ada.name == "Ada King"
    assert [p.number for p in ada.phones.all()] == ["+442079460000"]  # stored in E.164
    assert (ada.circle, ada.tier, ada.notes, ada.cadence_days) == (
        Circle.COMMUNITY, Tier.CLOSE, "Owes me a reply", 21)
    assert dav.get(path)["ETag"] != etag


def test_unknown_properties_from_the_phone_round_trip(dav, owner):
    extra = ("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\r\n"
             "ADR;TYPE=HOME:;;1 Infinite Loop;Cupertino;CA;95014;USA\r\n"
             "BDAY:1815-12-10\r\nNOTE:Met at the Royal Society\r\n"
             "item1.X-ABRELATEDNAMES:Byron\r\nitem1.X-ABLabel:_$!<Father>!$_\r\n"
             "X-CUSTOM-THING;X-PARAM=\"a;b\":value\\, with comma")
    dav.put(f"{dav.book}ada.vcf", vcard(uid="ada-uid", extra=extra))
    text = dav.get(f"{dav.book}ada.vcf").content.decode().replace("\r\n ", "")
    for line in extra.split("\r\n"):
        assert line in text


def test_a_phone_without_categories_does_not_clear_the_tags(dav, ada):
    services.set_tags(ada, ["speaker"])
    path = card_path(ada)
    uid = Card.objects.get(contact=ada).uid
    dav.put(path, vcard(uid=uid, fn="Ada Lovelace"))
    assert [t.name for t in ada.tags.all()] == ["speaker"]


def test_a_delete_on_the_phone_archives_and_unarchiving_brings_the_card_back(dav, ada):
    path = card_path(ada)
    token, _ = sync(dav)
    assert dav.delete(path).status_code == 204
    ada.refresh_from_db()
    assert ada.archived
    assert dav.get(path).status_code == 404
    token, changes = sync(dav, token)
    assert "404" in changes[path].findtext("d:status", namespaces=NS)
    services.update_contact(ada, {"archived": False})
    _, changes = sync(dav, token)
    assert prop(changes[path], "d:getetag") is not None


def test_delete_with_a_stale_if_match_is_refused(dav, ada):
    path = card_path(ada)
    response = dav.delete(path, if_match='"0-0"')
    assert response.status_code == 412
    ada.refresh_from_db()
    assert not ada.archived


def test_a_new_card_for_someone_known_is_matched_not_duplicated(dav, ada, owner):
    old_path = card_path(ada)
    token, _ = sync(dav)
    response = dav.put(f"{dav.book}phone-made.vcf",
                       vcard(uid="phone-made", fn="Ada L.", email="ADA@example.org",
                             extra="TEL:+44 1234"))
    assert response.status_code == 201
    assert Contact.objects.filter(owner=owner).count() == 1
    ada.refresh_from_db()
    assert ada.name == "Ada Lovelace"  # an import-style match fills blanks, never overwrites
    assert [p.number for p in ada.phones.all()] == ["+44 1234"]
    _, changes = sync(dav, token)
    assert "404" in changes[old_path].findtext("d:status", namespaces=NS)
    assert prop(changes[f"{dav.book}phone-made.vcf"], "d:getetag") is not None


def test_a_new_card_with_a_known_phone_number_is_matched_not_duplicated(dav, ada, owner):
    ContactPhone.objects.create(contact=ada, number="+442079460018")
    response = dav.put(f"{dav.book}phone-made.vcf",
                       vcard(uid="phone-made", fn="A. Lovelace", email="",
                             extra="TEL:+44 20 7946 0018"))
    assert response.status_code == 201
    assert list(Contact.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "Ada Lovelace"
    ]


def test_a_uid_already_in_the_address_book_is_a_conflict(dav, ada):
    uid = Card.objects.get(contact=ada).uid if reconcile(ada.owner) else None
    response = dav.put(f"{dav.book}other.vcf", vcard(uid=uid, fn="Clone"))
    assert response.status_code == 409
    assert b"no-uid-conflict" in response.content


@pytest.mark.parametrize("body", ["not a vcard", "BEGIN:VCARD\r\nFN:x\r\n",
                                  vcard() + vcard(uid="second")])
def test_a_body_that_is_not_one_vcard_is_refused(dav, owner, body):
    response = dav.put(f"{dav.book}bad.vcf", body)
    assert response.status_code == 403
    assert b"valid-address-data" in response.content
    assert not Contact.objects.filter(owner=owner).exists()


def test_the_version_a_phone_wrote_is_the_one_it_reads(dav):
    dav.put(f"{dav.book}v4.vcf", vcard(uid="v4", version="4.0"))
    assert "VERSION:4.0" in dav.get(f"{dav.book}v4.vcf").content.decode()


def test_a_contact_group_card_is_kept_as_sent_and_makes_no_contact(dav, owner):
    group = vcard(uid="grp", fn="Family", email="", extra="X-ADDRESSBOOKSERVER-KIND:group")
    assert dav.put(f"{dav.book}grp.vcf", group).status_code == 201
    assert not Contact.objects.filter(owner=owner).exists()
    assert dav.get(f"{dav.book}grp.vcf").content.decode() == group


def test_card_names_with_spaces_and_at_signs_keep_one_encoding(dav, owner):
    assert dav.put(f"{dav.book}my%20card%40home.vcf", vcard(uid="odd-name")).status_code == 201
    _, found = sync(dav)
    (path,) = found
    assert path == f"{dav.book}my%20card@home.vcf"
    body = f"""<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
      <d:prop><d:getetag/></d:prop><d:href>{path}</d:href></card:addressbook-multiget>"""
    assert prop(responses(xml(dav.report(dav.book, body)))[path], "d:getetag") is not None
    assert dav.get(path).status_code == 200


def test_an_organisation_and_a_phonetic_name_go_to_the_phone_and_come_back(dav, owner):
    acme = ContactFactory(owner=owner, name="Acme Robotics", kind=ContactKind.ORGANISATION,
                          title="")
    taro = ContactFactory(owner=owner, name="山田 太郎", phonetic_name="Taro Yamada", title="")
    v3 = dav.get(card_path(acme)).content.decode()
    v4 = dav.get(card_path(acme), accept="text/vcard; version=4.0").content.decode()
    assert "X-ABShowAs:COMPANY" in v3 and "KIND:" not in v3
    assert "KIND:org" in v4 and "X-ABShowAs:COMPANY" in v4
    text = dav.get(card_path(taro)).content.decode()
    assert "X-PHONETIC-FIRST-NAME:Taro\r\nX-PHONETIC-LAST-NAME:Yamada" in text
    # The phone sends its copies back with an edit: nothing kept aside twice, nothing reset.
    for contact, body in ((acme, v3), (taro, text)):
        path = card_path(contact)
        response = dav.put(path, body.replace("END:VCARD", "TITLE:Edited\r\nEND:VCARD"),
                           if_match=dav.get(path)["ETag"])
        assert response.status_code == 204
    acme.refresh_from_db(), taro.refresh_from_db()
    assert (acme.kind, acme.title, taro.phonetic_name) == (
        ContactKind.ORGANISATION, "Edited", "Taro Yamada")
    assert Card.objects.get(contact=acme).extra == Card.objects.get(contact=taro).extra == ""
    again = dav.get(card_path(acme)).content.decode()
    assert again.count("X-ABShowAs") == 1


@pytest.mark.parametrize("line, kind", [
    ("KIND:org", ContactKind.ORGANISATION),
    ("X-ABShowAs:COMPANY", ContactKind.ORGANISATION),
    ("KIND:individual", ContactKind.PERSON),
])
def test_a_card_from_the_phone_says_whether_it_is_an_organisation(dav, owner, line, kind):
    dav.put(f"{dav.book}org.vcf", vcard(uid="org-1", fn="Initech", extra=line))
    assert Contact.objects.get(owner=owner, name="Initech").kind == kind


def test_a_phone_that_says_nothing_of_the_kind_leaves_it(dav, owner):
    acme = ContactFactory(owner=owner, name="Acme", kind=ContactKind.ORGANISATION)
    path = card_path(acme)
    dav.put(path, vcard(uid=Card.objects.get(contact=acme).uid, fn="Acme Inc."))
    acme.refresh_from_db()
    assert (acme.name, acme.kind) == ("Acme Inc.", ContactKind.ORGANISATION)
