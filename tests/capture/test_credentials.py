"""Credentials never leave the encrypted column: not in a page, a log line, an export or the
admin, including when a read fails."""

import logging

from django.urls import reverse

from capture.models import SourceKind
from capture import services

from .conftest import read_now

URL_SECRET = "tok-SECRET-456"
PASSWORD = "pw-SECRET-123"


def test_credentials_never_appear_in_pages_logs_or_exports(client, me, calendar_host, caplog):
    me.is_staff = me.is_superuser = True
    me.save()
    ical = services.save_source(me, SourceKind.ICAL, {
        "name": "Work", "url": f"{calendar_host.url}/{URL_SECRET}/basic.ics"})
    imap = services.save_source(me, SourceKind.IMAP, {
        "name": "Mail", "host": "127.0.0.1", "port": 9, "security": "none",
        "username": "me@example.com", "password": PASSWORD})
    caldav = services.save_source(me, SourceKind.CALDAV, {
        "name": "Dav", "url": f"{calendar_host.url}/dav/{URL_SECRET}/", "username": "me",
        "password": PASSWORD})
    with caplog.at_level(logging.DEBUG):
        for source in (ical, imap, caldav):
            read_now(source)  # each fails: a 404, a closed port, not a CalDAV server
    client.force_login(me)
    urls = [
        reverse("settings"), reverse("capture:sources"), reverse("capture:review"),
        reverse("capture:review_card"), reverse("capture:people"), reverse("capture:rules"),
        reverse("dashboard"),
        *(reverse("capture:source_edit", args=[s.pk]) for s in (ical, imap, caldav)),
        reverse("data:export_json"), reverse("data:export_csv"), reverse("data:export_vcard"),
        reverse("admin:capture_source_changelist"),
        *(reverse("admin:capture_source_change", args=[s.pk]) for s in (ical, imap, caldav)),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        assert URL_SECRET not in body and PASSWORD not in body, url
    sources_page = client.get(reverse("capture:sources")).content.decode()
    assert sources_page.count("Failing") == 3  # each read failed and says so
    assert URL_SECRET not in caplog.text and PASSWORD not in caplog.text
    assert "capture source" in caplog.text  # the failures were logged, without the secrets
