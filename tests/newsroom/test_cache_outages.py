"""A Redis that stalls or refuses: pages render uncached, comments post, /healthz says so.

A real gunicorn (one gthread worker) talks to Redis through a Gate
(outages.py): stalled, it accepts connections and never answers; refused,
nothing listens. Redis's timeout is 200 ms here, and one failure ends cache
use for the rest of that request, so a reader waits one timeout at most. When
REDIS_URL names a real Redis, the gate relays to it between outages and the
cache is seen coming back by itself; without one, the gate only fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.servers import Server, gunicorn

from .outages import Gate, SiteTemplate, fetch, post_comment, redis_url, wait_for

# Real gunicorn servers: run by make test-slow.
pytestmark = pytest.mark.slow

# One 200 ms timeout per request, and the page rendered from the database.
PROMPT = 2.0


@dataclass
class Site:
    server: Server
    articles: list[dict]
    gate: Gate
    real_redis: bool


@pytest.fixture(scope="module")
def site(
    site_template: SiteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("cache-outages")
    real = redis_url()
    if real:
        address = urlsplit(real)
        gate = Gate((address.hostname or "127.0.0.1", address.port or 6379))
        gate.open()
        database = address.path or "/0"
    else:
        gate = Gate()
        gate.stall()
        database = "/0"
    cache = {
        "REDIS_URL": f"redis://127.0.0.1:{gate.port}{database}",
        "NEWSROOM_CACHE_PREFIX": f"newsroom-cache-outage-{tmp.name}",
    }
    try:
        with site_template.copy(tmp / "db") as copy:
            url = site_template.url_for(copy)
            env = site_template.server_env(url, **cache)
            with gunicorn(
                env, log_dir=tmp, workers=1, threads=4, require_healthy=bool(real)
            ) as server:
                yield Site(server, site_template.articles, gate, bool(real))
    finally:
        gate.close()


def _cached_again(site: Site, path: str) -> bool:
    fetch(site.server, path)
    return fetch(site.server, path).header("X-Cache") == "hit"


@pytest.mark.parametrize(("failure", "article"), [("stall", 1), ("refuse", 2)])
def test_pages_render_uncached_and_comments_post_without_redis(
    site: Site, failure: str, article: int
) -> None:
    path, article_id = site.articles[article]["path"], site.articles[article]["id"]
    if site.real_redis:
        assert _cached_again(site, path)

    getattr(site.gate, failure)()
    try:
        for url in (path, "/", "/harbour/", path):
            page = fetch(site.server, url)
            assert page.status == 200, (url, page.status, site.server.log_tail())
            assert page.seconds < PROMPT, (url, page.seconds)
            assert page.header("X-Cache") is None  # not from the cache, not stored
            assert "private" in page.header("Cache-Control")
            assert "Ferry timetable" in page.text

        comment = post_comment(site.server, article_id, "Is the ferry on time?")
        assert comment.status == 201, (comment.text, site.server.log_tail())
        assert comment.seconds < PROMPT
        shown = fetch(site.server, path)
        assert "Is the ferry on time?" in shown.text

        health = fetch(site.server, "/healthz")
        assert health.status == 503
        assert health.seconds < PROMPT
        assert "database: ok" in health.text
        assert "cache: error" in health.text
    finally:
        if site.real_redis:
            site.gate.open()

    if site.real_redis:
        # Back by itself: pages are stored and served from the cache again.
        assert wait_for(lambda: _cached_again(site, path), within=10)
        assert fetch(site.server, "/healthz").status == 200


def test_no_cache_outage_was_answered_with_an_error(site: Site) -> None:
    log = site.server.log.read_text(errors="replace")
    assert "Internal Server Error" not in log
    assert "Traceback" not in log
