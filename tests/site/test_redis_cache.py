"""reviewsite/cache.py: Django's Redis cache with one redis-py client per connection pool."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from reviewsite.cache import RedisCache

REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CI_REDIS_URL")

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (CI's second run sets REDIS_URL)")


@pytest.fixture
def redis_cache():
    store = RedisCache(REDIS_URL, {"KEY_PREFIX": "test-redis-cache"})
    yield store
    store.delete_many([f"key-{n}" for n in range(40)])


def test_every_call_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("key-0", "a value")
    assert redis_cache.get("key-0") == "a value"
    assert redis_cache._cache.get_client(write=True) is client


def test_threads_share_the_client_and_each_gets_its_own_values(redis_cache):
    def round_trip(n):
        redis_cache.set(f"key-{n}", {"n": n})
        assert redis_cache.add(f"key-{n}", "not this") is False
        return redis_cache.get(f"key-{n}")["n"]

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(round_trip, range(40))) == list(range(40))
