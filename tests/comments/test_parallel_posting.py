"""Many readers posting at once, through several gunicorn workers, lose and duplicate nothing.

A real gunicorn (three sync worker processes) serves a database this module
prepares itself: a temporary SQLite file (WAL, IMMEDIATE transactions, busy
timeout), and, when DATABASE_URL names a PostgreSQL server, a database of
its own created on that server and dropped afterwards. pytest-django's test
database is never involved; rows are read straight from the server's database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from urllib.request import Request

import dj_database_url
import psycopg
import pytest
from django.core import signing
from psycopg import sql

from tests.servers import Server, gunicorn, open_url
from tests.subprocesses import manage

# Starts gunicorn and migrates a database of its own: run by make test-slow.
pytestmark = pytest.mark.slow

SECRET = "parallel-posting-tests-only-not-a-secret"
# comments/signing.py signs the form's "shown at" stamp with this salt.
FORM_SALT = "comments.form-timestamp"
READERS = 12
COMMENTS_EACH = 5
REQUEST_TIMEOUT = 20

_MAKE_ARTICLES = """
import json
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Category
category = Category.objects.create(name="Harbour", slug="harbour")
print(json.dumps([
    Article.objects.create(
        title=f"Ferry timetable {n}", slug=f"ferry-timetable-{n}", category=category,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    ).pk
    for n in (1, 2)
]))
"""

Rows = Callable[[int], list[tuple[str, str]]]


@dataclass(frozen=True)
class Site:
    server: Server
    articles: list[int]
    rows: Rows  # (body, e-mail) of every comment on an article, from the server's database


def _server_env(database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "NEWSROOM_COMMENT_RATE": "1000/m",
        "NEWSROOM_COMMENT_MODERATION": "post",
        "NEWSROOM_TASKS": "immediate",
        "NEWSROOM_LOG_LEVEL": "WARNING",
    }


def _prepare(database_url: str) -> list[int]:
    env = _server_env(database_url)
    migrated = manage("migrate", "--no-input", "-v", "0", **env)
    assert migrated.returncode == 0, migrated.stderr
    made = manage("shell", "-v", "0", "-c", _MAKE_ARTICLES, **env)
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout.strip().splitlines()[-1])


def _sqlite_site(tmp: Path) -> Iterator[Site]:
    path = tmp / "db.sqlite3"
    url = f"sqlite:///{path}"
    articles = _prepare(url)

    def rows(article: int) -> list[tuple[str, str]]:
        with sqlite3.connect(path, timeout=20) as db:
            return db.execute(
                "SELECT body, author_email FROM comments_comment WHERE article_id = ?",
                (article,),
            ).fetchall()

    with gunicorn(_server_env(url), log_dir=tmp) as server:
        yield Site(server, articles, rows)


def _postgresql_site(tmp: Path) -> Iterator[Site]:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        pytest.skip("DATABASE_URL does not name a PostgreSQL server")
    config = dj_database_url.parse(url)
    server_params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    name = f"newsroom_parallel_{os.getpid()}"
    # A database of its own on the same server: never the test database.
    with psycopg.connect(dbname="postgres", autocommit=True, **server_params) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        own_url = urlsplit(url)._replace(path=f"/{name}").geturl()
        articles = _prepare(own_url)

        def rows(article: int) -> list[tuple[str, str]]:
            with psycopg.connect(dbname=name, **server_params) as db:
                return db.execute(
                    "SELECT body, author_email FROM comments_comment WHERE article_id = %s",
                    (article,),
                ).fetchall()

        with gunicorn(_server_env(own_url), log_dir=tmp) as server:
            yield Site(server, articles, rows)
    finally:
        with psycopg.connect(
            dbname="postgres", autocommit=True, **server_params
        ) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp(f"parallel-{request.param}")
    prepare = _sqlite_site if request.param == "sqlite" else _postgresql_site
    yield from prepare(tmp)


def _stamp() -> str:
    """The form's "shown at" stamp, signed as the server signs it, 30 seconds old."""
    return signing.dumps(int(time.time()) - 30, salt=FORM_SALT, key=SECRET)


def _post(site: Site, article: int, body: str, email: str) -> tuple[int, dict]:
    fields = {
        "body": body,
        "author_name": email.split("@")[0].title(),
        "author_email": email,
        "shown_at": _stamp(),
        "website": "",
        "parent": "",
    }
    request = Request(
        f"{site.server.url}/comments/articles/{article}/post/",
        data=urlencode(fields).encode(),
        method="POST",
        headers={
            "Sec-Fetch-Site": "same-origin",
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status, _, content = open_url(request, timeout=REQUEST_TIMEOUT)
    try:
        return status, json.loads(content)
    except ValueError:
        return status, {"content": content[:300].decode(errors="replace")}


def _all_at_once(
    jobs: list[Callable[[], list[tuple[int, dict]]]],
) -> list[tuple[int, dict]]:
    """Run every job in a thread of its own, all released at the same moment."""
    start = threading.Barrier(len(jobs), timeout=REQUEST_TIMEOUT)

    def run(job: Callable[[], list[tuple[int, dict]]]) -> list[tuple[int, dict]]:
        start.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(run, job) for job in jobs]
        return [answer for future in futures for answer in future.result(timeout=60)]


def test_readers_posting_at_once_lose_and_duplicate_nothing(site: Site) -> None:
    article = site.articles[0]

    def reader(n: int) -> Callable[[], list[tuple[int, dict]]]:
        return lambda: [
            _post(
                site,
                article,
                f"Reader {n}, point {k}: the ferry was late.",
                f"reader{n}@example.com",
            )
            for k in range(COMMENTS_EACH)
        ]

    answers = _all_at_once([reader(n) for n in range(READERS)])

    statuses = [status for status, _ in answers]
    assert statuses == [201] * READERS * COMMENTS_EACH, (
        [answer for answer in answers if answer[0] != 201][:3],
        site.server.log_tail(),
    )
    assert all(payload["status"] == "published" for _, payload in answers)
    assert len({payload["id"] for _, payload in answers}) == READERS * COMMENTS_EACH
    stored = site.rows(article)
    expected = {
        (f"Reader {n}, point {k}: the ferry was late.", f"reader{n}@example.com")
        for n in range(READERS)
        for k in range(COMMENTS_EACH)
    }
    assert len(stored) == READERS * COMMENTS_EACH
    assert set(stored) == expected


def test_the_same_comment_sent_twice_at_once_is_stored_once(site: Site) -> None:
    article = site.articles[1]
    pairs = 6  # six readers, each of whose browsers sends the comment twice at once

    def click(n: int) -> Callable[[], list[tuple[int, dict]]]:
        return lambda: [
            _post(
                site,
                article,
                f"Double click {n}: the timetable is wrong.",
                f"clicker{n}@example.com",
            )
        ]

    answers = _all_at_once([click(n) for n in range(pairs) for _ in range(2)])

    assert [status for status, _ in answers] == [201] * 2 * pairs, (
        answers,
        site.server.log_tail(),
    )
    stored = site.rows(article)
    assert sorted(stored) == sorted(
        (f"Double click {n}: the timetable is wrong.", f"clicker{n}@example.com")
        for n in range(pairs)
    )
    # Both clicks of a pair get the one comment back.
    ids = [payload["id"] for _, payload in answers]
    assert [ids[i] == ids[i + 1] for i in range(0, len(ids), 2)] == [True] * pairs
    assert len(set(ids)) == pairs
