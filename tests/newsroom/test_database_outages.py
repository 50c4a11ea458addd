"""A database that stalls or refuses: a 503 page within seconds, cached pages still served, recovery by itself.

A real gunicorn (one gthread worker, as production runs them) serves a copy
of the test site. On SQLite, "stalled" is another connection holding the file
locked, and "refused" is the file's folder gone. On PostgreSQL the server is
reached through a Gate (outages.py): stalled, it accepts connections and
never answers, and the connections already made freeze; refused, nothing
listens. The limits are short here (1 s to connect, 1 s per statement).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import pytest

from tests.servers import Server, gunicorn

from .outages import (
    Gate,
    SiteTemplate,
    fetch,
    post_comment,
    redis_url,
    sqlite_locked,
    sqlite_missing,
    wait_for,
)

# Real gunicorn servers: run by make test-slow.
pytestmark = pytest.mark.slow

# The settings below make a reader wait at most about 2 s; this allows for a
# busy test machine, and is still far from a hung worker.
PROMPT = 5.0

Failure = Callable[[], AbstractContextManager[None]]


@dataclass
class Site:
    server: Server
    articles: list[dict]
    failures: dict[str, Failure]


def _cache_env(prefix: str) -> dict[str, str]:
    # With Redis, pages cached before the outage are shared as in production;
    # without, the one worker process keeps them.
    url = redis_url()
    return {"REDIS_URL": url, "NEWSROOM_CACHE_PREFIX": prefix} if url else {}


@contextmanager
def _gate_mode(gate: Gate, mode: str) -> Iterator[None]:
    getattr(gate, mode)()
    try:
        yield
    finally:
        gate.open()


@pytest.fixture(scope="module")
def site(
    site_template: SiteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("database-outages")
    cache = _cache_env(f"newsroom-db-outage-{tmp.name}")
    if site_template.kind == "sqlite":
        with site_template.copy(tmp / "db") as path:
            env = site_template.server_env(f"sqlite:///{path}", **cache)
            with gunicorn(env, log_dir=tmp, workers=1, threads=4) as server:
                yield Site(
                    server,
                    site_template.articles,
                    {
                        "stalled": lambda: sqlite_locked(path),
                        "refused": lambda: sqlite_missing(path),
                    },
                )
        return
    gate = Gate(site_template.postgresql_address())
    gate.open()
    try:
        with site_template.copy(tmp) as name:
            url = site_template.postgresql_url_for(name, port=gate.port)
            env = site_template.server_env(url, **cache)
            with gunicorn(env, log_dir=tmp, workers=1, threads=4) as server:
                yield Site(
                    server,
                    site_template.articles,
                    {
                        "stalled": lambda: _gate_mode(gate, "stall"),
                        "refused": lambda: _gate_mode(gate, "refuse"),
                    },
                )
    finally:
        gate.close()


def _is_up(site: Site, path: str) -> bool:
    return fetch(site.server, path).status == 200


@pytest.mark.parametrize(("failure", "article"), [("stalled", 1), ("refused", 2)])
def test_readers_get_the_503_page_within_seconds_and_the_site_recovers(
    site: Site, failure: str, article: int
) -> None:
    cached = site.articles[0]["path"]
    # A page nobody has read yet: it needs the database.
    uncached, article_id = site.articles[article]["path"], site.articles[article]["id"]
    # A page read before the outage, so it is in the cache.
    fetch(site.server, cached)
    assert fetch(site.server, cached).header("X-Cache") == "hit"

    with site.failures[failure]():
        page = fetch(site.server, uncached)
        assert page.status == 503, (page.status, site.server.log_tail())
        assert page.seconds < PROMPT
        assert "We’ll be back shortly" in page.text
        assert page.header("Retry-After") == "30"
        assert "no-store" in page.header("Cache-Control")
        # The site's own design, without the menu that needs the database.
        assert 'class="site-header"' in page.text
        assert 'href="/harbour/"' not in page.text

        still = fetch(site.server, cached)
        assert (still.status, still.header("X-Cache")) == (200, "hit")
        assert still.seconds < 1

        health = fetch(site.server, "/healthz")
        assert health.status == 503
        assert health.seconds < PROMPT
        assert "database: error" in health.text
        assert "cache: ok" in health.text

        comment = post_comment(site.server, article_id, "Is the ferry running?")
        assert comment.status == 503
        assert comment.seconds < PROMPT

    # Back by itself: no restart, no operator.
    assert wait_for(lambda: _is_up(site, uncached), within=10), site.server.log_tail()
    assert fetch(site.server, "/healthz").status == 200
    posted = post_comment(site.server, article_id, "The ferry is running again.")
    assert posted.status == 201, posted.text


def test_no_outage_was_answered_with_a_500(site: Site) -> None:
    log = site.server.log.read_text(errors="replace")
    assert "Internal Server Error" not in log
