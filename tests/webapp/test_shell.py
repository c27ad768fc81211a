"""The service worker under production static files: hashed names, and a version that moves
with them."""

import pytest
from django.core.management import call_command
from django.test import Client

from webapp import shell


@pytest.fixture
def hashed_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    shell.version.cache_clear()
    yield
    shell.version.cache_clear()


def test_the_service_worker_lists_the_hashed_shell_files(hashed_static):
    body = Client().get("/sw.js").content.decode()
    assert 'const STATIC_PREFIX = "/static/";' in body
    assert "/static/css/app.css" not in body
    for path in ("css/app.", "js/outbox.", "icons/maskable-512."):
        assert f"/static/{path}" in body
    manifest = Client().get("/manifest.webmanifest").json()
    assert all(icon["src"].count(".") >= 2 for icon in manifest["icons"])  # name.hash.ext


def test_the_version_changes_when_a_shell_file_does(monkeypatch, tmp_path):
    """A changed file changes /sw.js, so browsers install the new worker and drop old caches."""
    app_css = tmp_path / "app.css"
    monkeypatch.setattr(shell.finders, "find", lambda path: str(app_css))
    versions = []
    for content in ("body { color: red }", "body { color: blue }"):
        app_css.write_text(content)
        shell.version.cache_clear()
        versions.append(shell.version())
    shell.version.cache_clear()
    assert versions[0] != versions[1]
