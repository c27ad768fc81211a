"""Discovery as iOS, DAVx5 and Thunderbird do it: /.well-known/carddav, then the principal,
then the address book home, with raw PROPFINDs."""

from tests.carddav.conftest import NS, basic, prop, responses, xml

PRINCIPAL_PROPS = """<?xml version="1.0"?>
<d:propfind xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
  <d:prop><d:current-user-principal/><card:addressbook-home-set/><d:resourcetype/></d:prop>
</d:propfind>"""


def test_well_known_carddav_redirects_to_the_dav_root(client):
    response = client.generic("PROPFIND", "/.well-known/carddav")
    assert response.status_code == 301
    assert response["Location"] == "/dav/"


def test_dav_asks_for_basic_credentials_without_them(client, db):
    response = client.generic("PROPFIND", "/dav/", b"", HTTP_DEPTH="0")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")


def test_the_login_password_never_opens_carddav(client, owner):
    response = client.generic(
        "PROPFIND", "/dav/", b"", HTTP_AUTHORIZATION=basic("owner", "correct horse battery")
    )
    assert response.status_code == 401


def test_root_names_the_current_user_principal(dav):
    root = xml(dav.propfind("/dav/", PRINCIPAL_PROPS))
    response = responses(root)["/dav/"]
    assert prop(response, "d:current-user-principal/d:href").text == "/dav/owner/"
    assert prop(response, "card:addressbook-home-set/d:href").text == "/dav/owner/"


def test_principal_lists_its_address_book_at_depth_1(dav):
    root = xml(dav.propfind("/dav/owner/", PRINCIPAL_PROPS, depth="1"))
    found = responses(root)
    assert set(found) == {"/dav/owner/", "/dav/owner/contacts/"}
    book_type = prop(found["/dav/owner/contacts/"], "d:resourcetype")
    assert book_type.find("card:addressbook", NS) is not None
    assert prop(found["/dav/owner/"], "d:resourcetype").find("d:principal", NS) is not None


def test_address_book_answers_depth_0_with_its_sync_token_and_reports(dav):
    body = """<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"
      xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:sync-token/><cs:getctag/>
      <d:supported-report-set/><card:supported-address-data/><d:displayname/><d:quota-used-bytes/>
      </d:prop></d:propfind>"""
    root = xml(dav.propfind(dav.book, body))
    (response,) = responses(root).values()
    assert prop(response, "d:sync-token").text.startswith("http")
    reports = {r.tag for r in response.iter() if r.tag.endswith("sync-collection")
               or r.tag.endswith("addressbook-multiget") or r.tag.endswith("addressbook-query")}
    assert len(reports) == 3
    versions = {n.get("version") for n in prop(response, "card:supported-address-data")}
    assert versions == {"3.0", "4.0"}
    missing = [ps for ps in response.findall("d:propstat", NS)
               if "404" in ps.findtext("d:status", namespaces=NS)]
    assert missing[0].find("d:prop/d:quota-used-bytes", NS) is not None


def test_collections_answer_without_their_trailing_slash(dav):
    assert dav.propfind("/dav/owner/contacts", PRINCIPAL_PROPS).status_code == 207


def test_options_announces_carddav(client, db):
    response = client.options("/dav/owner/contacts/")
    assert "addressbook" in response["DAV"]
    assert "REPORT" in response["Allow"]


def test_a_malformed_body_is_a_400(dav):
    assert dav.propfind(dav.book, "<d:propfind xmlns:d='DAV:'><d:prop>").status_code == 400


def test_an_xml_entity_bomb_is_refused(dav):
    body = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>
    <d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&a;</d:displayname></d:prop></d:propfind>"""
    assert dav.propfind(dav.book, body).status_code == 400
