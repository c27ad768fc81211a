import pytest

from notifications.vapid import generate_keys
from tests.notifications.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def vapid(settings):
    settings.VAPID_PRIVATE_KEY, public = generate_keys()
    settings.VAPID_SUBJECT = "mailto:admin@example.com"
    return public
