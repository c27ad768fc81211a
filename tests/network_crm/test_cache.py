"""The Redis cache backend (network_crm/cache.py) against a real Redis: the same answers as
Django's, from one client per connection pool."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from network_crm.cache import RedisCache


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the backend needs a real Redis")
    return url


def _backend(cls, url, prefix):
    return cls(url, {"KEY_PREFIX": prefix})


def test_one_client_serves_every_call(redis_url):
    cache = _backend(RedisCache, redis_url, "test-cache-reuse")
    assert cache._cache.get_client("a") is cache._cache.get_client("b", write=True)


def test_answers_are_djangos(redis_url):
    ours = _backend(RedisCache, redis_url, "test-cache-same")
    django = _backend(DjangoRedisCache, redis_url, "test-cache-same")
    try:
        ours.set("k", {"a": [1, 2]}, 30)
        assert django.get("k") == {"a": [1, 2]}
        django.set_many({"x": 1, "y": "two"}, 30)
        assert ours.get_many(["x", "y", "z"]) == {"x": 1, "y": "two"}
        assert ours.add("k", "other") is False
        ours.delete("k")
        assert django.get("k") is None
    finally:
        ours.delete_many(["k", "x", "y"])
