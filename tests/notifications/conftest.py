import pytest

from notifications.vapid import generate_keys


@pytest.fixture
def vapid(settings):
    settings.VAPID_PRIVATE_KEY, public = generate_keys()
    settings.VAPID_SUBJECT = "mailto:admin@example.com"
    return public
