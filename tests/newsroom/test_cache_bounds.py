"""Every cache entry has a bounded lifetime and size; a failing Redis is asked once per request.

Run against the cache the settings choose: this process's memory, or Redis
when REDIS_URL is set.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache, caches
from django.test import Client

from newsroom import caching
from newsroom.cache_backends import RedisCache
from tests.factories import make_article

from .outages import Gate


@pytest.fixture
def short_lived(settings):
    settings.NEWSROOM_CACHE_MAX_SECONDS = 1


def test_no_entry_outlives_the_limit_whatever_it_asked_for(short_lived):
    cache.set("forever", "x", None)
    cache.set("a-day", "x", 60 * 60 * 24)
    cache.add("added", "x", None)
    cache.set_many({"many": "x"}, None)
    cache.get_or_set("computed", lambda: "x", None)
    cache.set("touched", "x", 30)
    cache.touch("touched", None)
    caching.invalidate_now(["front"])  # cache tag versions too
    names = ["forever", "a-day", "added", "many", "computed", "touched"]
    assert all(cache.get(name) == "x" for name in names)
    assert cache.get("version:front") is not None
    time.sleep(1.3)
    assert [cache.get(name) for name in names] == [None] * len(names)
    assert cache.get("version:front") is None


def test_an_entry_larger_than_the_limit_is_not_stored(settings):
    settings.NEWSROOM_CACHE_MAX_ENTRY_BYTES = 2000
    big, small = "x" * 5000, "y" * 100
    cache.set("big", big)
    assert cache.get("big") is None
    assert cache.add("big", big) is False
    assert cache.set_many({"big": big, "small": small}) == ["big"]
    assert cache.get("small") == small
    assert cache.get_or_set("big", big) == big  # computed, just not kept
    assert cache.get("big") is None
    cache.set("count", 10**9)  # numbers are always small
    assert cache.incr("count") == 10**9 + 1


@pytest.mark.django_db
def test_a_page_over_the_size_limit_is_served_but_not_stored(settings):
    article = make_article(title="A very long report")
    settings.NEWSROOM_CACHE_MAX_ENTRY_BYTES = 2000  # smaller than any page
    client = Client()
    for _ in range(2):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "A very long report" in response.content.decode()
        assert response["X-Cache"] == "miss"


@pytest.mark.django_db
@pytest.mark.parametrize("failure", ["stall", "refuse"])
def test_one_redis_failure_ends_cache_use_for_the_rest_of_the_request(
    settings, failure
):
    article = make_article(title="Tide tables")
    gate = Gate()
    getattr(gate, failure)()
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backends.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{gate.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    try:
        client = Client()
        for _ in range(2):
            before = gate.accepted
            started = time.monotonic()
            response = client.get(article.get_absolute_url())
            seconds = time.monotonic() - started
            assert response.status_code == 200
            assert "Tide tables" in response.content.decode()
            assert "private" in response["Cache-Control"]
            # One timeout, not one per cache call (a page makes several).
            assert seconds < 0.6
            if failure == "stall":
                assert gate.accepted - before == 1
        # A new request asks Redis again.
        assert isinstance(caches["default"], RedisCache)
    finally:
        gate.close()
