"""The page cache's safety rules, each with a test that fails without it."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from newsroom.caching import invalidate_now
from newsroom.middleware import RequestGuardMiddleware

from .urls_cache_probe import renders

pytestmark = [
    pytest.mark.urls("tests.newsroom.urls_cache_probe"),
    pytest.mark.django_db,
]


def test_a_page_that_sets_a_cookie_is_never_stored(anon):
    first = anon.get("/cookie/")
    second = Client().get("/cookie/")
    assert "private" in first["Cache-Control"]
    # Another reader gets a fresh render, not the first reader's response.
    assert second.content != first.content
    assert second.get("X-Cache") != "hit"


def test_a_page_that_used_a_csrf_token_is_never_stored(anon):
    anon.get("/csrf/")
    before = renders["count"]
    Client().get("/csrf/")
    assert renders["count"] == before + 1


def test_a_tagged_page_is_rendered_again_after_its_tag_changes(anon):
    first = anon.get("/tagged/")
    assert anon.get("/tagged/").content == first.content  # a hit
    invalidate_now(["probe:1"])
    assert anon.get("/tagged/").content != first.content


def test_a_page_whose_tag_version_is_lost_is_rendered_again(anon):
    first = anon.get("/tagged/")
    cache.delete("version:probe:1")
    assert anon.get("/tagged/").content != first.content


def test_nul_cookies_never_reach_a_view():
    seen = {}

    def view(request):
        seen.update(request.COOKIES)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.COOKIES = {"sessionid": "abc\x00", "ok": "1", "bad\x00name": "x"}
    RequestGuardMiddleware(view)(request)
    assert seen == {"ok": "1"}
