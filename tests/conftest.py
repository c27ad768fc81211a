"""Shared fixtures: an owner, a stranger (a second user who must never see the owner's rows),
and clients signed in as each; and a data folder per test process and run."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.factories import UserFactory


def pytest_configure(config):
    """Each test process (each xdist worker) gets a data folder of its own for this run, removed
    at its end: uploads, the filesystem broker, local mail and anything a command writes never
    meet another run's or another worker's (pyproject's NETWORK_CRM_DATA_DIR only keeps
    settings' import from touching the checkout's data/). Child processes inherit it."""
    from django.conf import settings

    folder = Path(tempfile.mkdtemp(prefix="network_crm-test-"))
    config.network_crm_data_dir = folder
    os.environ["NETWORK_CRM_DATA_DIR"] = str(folder)
    settings.DATA_DIR = folder
    settings.MEDIA_ROOT = folder / "media"
    settings.CELERY_BEAT_SCHEDULE_FILENAME = str(folder / "celerybeat-schedule")
    if settings.CELERY_BROKER_URL == "filesystem://":
        for sub in ("queue", "processed", "control"):
            (folder / "broker" / sub).mkdir(parents=True)
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(folder / "broker" / "queue"),
            "data_folder_out": str(folder / "broker" / "queue"),
            "processed_folder": str(folder / "broker" / "processed"),
            "control_folder": str(folder / "broker" / "control"),
        }
    for mailer in settings.MAILERS.values():
        if mailer["BACKEND"].endswith("filebased.EmailBackend"):
            mailer.setdefault("OPTIONS", {})["file_path"] = str(folder / "mail")


def pytest_unconfigure(config):
    folder = getattr(config, "network_crm_data_dir", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _celery_pools_open():
    """Queueing a task takes a producer from celery's pool, eager mode included. A test that
    moves or stops the broker (tests/hardening, the health check) can leave that pool closed
    ("Acquire on closed pool" in whichever test runs next on the same process): start afresh."""
    from kombu import pools

    from network_crm.celery import app

    pools.reset()  # cheap: connections reopen only when a test queues a task
    app._pool = None
    app.amqp._producer_pool = None
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers, not for a test suite of many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings, tmp_path_factory):
    """Each test gets a fresh cache namespace: with Redis (or the file cache), parallel workers
    share one store and reuse the same user ids, so a cached row of another test must never be
    read. The file cache lives in pytest's temporary folder, not in the app's data folder.
    (So no test may call cache.clear(): it would empty the other workers' namespaces too.)"""
    import uuid

    folder = str(tmp_path_factory.getbasetemp() / "cache")
    settings.CACHES = {
        alias: {
            **config,
            "KEY_PREFIX": uuid.uuid4().hex,
            **({"LOCATION": folder} if config["BACKEND"].endswith("FileBasedCache") else {}),
        }
        for alias, config in settings.CACHES.items()
    }
    yield
    # Django drops the test's cache objects when the setting changes back but never closes
    # their Redis pools: one socket per test, until a worker ran out of descriptors.
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        client = cache.__dict__.get("_cache")  # RedisCache's client, if it was ever used
        for pool in getattr(client, "_pools", {}).values():
            pool.disconnect()


@pytest.fixture
def take_cache_down(settings):
    """Call it to make the cache a Redis that nothing listens on: every cache call then fails
    to connect, as with Redis stopped."""
    from tests.hardening.faults import free_port

    def take_down():
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            }
        }

    return take_down


@pytest.fixture
def cache_down(take_cache_down):
    take_cache_down()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def stranger_client(db, stranger):
    from django.test import Client

    c = Client()
    c.force_login(stranger)
    return c


@pytest.fixture
def page_cost():
    """page_cost(client, url) → (queries, bytes) of a second GET of `url` (the first one
    creates the profile and the session): for pages that must not grow with the account."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(client, url) -> tuple[int, int]:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.content)

    return measure


@pytest.fixture
def receiver():
    """A local HTTP server that records webhook and web-push deliveries (tests/notifications)."""
    from tests.notifications.receiver import Receiver

    with Receiver() as running:
        yield running
