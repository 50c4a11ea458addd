"""Two app servers, one site: a change made through one is seen through the other at once.

Two gunicorn instances serve one database. With the default cache (no
Redis), they share the machine's cache folder, as gunicorn's workers do; with
PostgreSQL and Redis (DATABASE_URL and REDIS_URL naming them, as in CI's
second run), they share only those two, as two machines would. Through
either: an editor's change in the desk, a moderator's approval, an article
scheduled to go live, an edit made by a command. Each is seen through the
other server at once, and usually from the copy the first one stored.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import lxml.html
import pytest

from tests.servers import Server, gunicorn
from tests.subprocesses import manage

from .outages import SiteTemplate, postgresql_url, redis_url

pytestmark = pytest.mark.slow

EDITOR, PASSWORD = "node-editor", "harbour-lantern-quay-7391"
_CREATE = """
from django.contrib.auth.models import User
User.objects.create_superuser({name!r}, password={password!r})
"""
_SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Category
Article.objects.create(
    title="Night ferry resumes", slug="night-ferry-resumes",
    category=Category.objects.get(slug="harbour"), status="published",
    published_at=timezone.now() + timedelta(seconds={seconds}),
)
"""
_EDIT = """
from articles.models import Article
article = Article.objects.get(pk={pk})
article.title = {title!r}
article.save()
"""
_CATEGORY_ID = """
from articles.models import Category
print(Category.objects.get(slug="harbour").pk)
"""
_HELD_COMMENT = """
from comments.models import Comment
from articles.models import Article
comment = Comment.objects.create(
    article=Article.objects.get(pk={pk}), author_name="Quay Reader",
    body="The timetable is wrong on Sundays.", status=Comment.Status.PENDING,
)
print(comment.pk)
"""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


class Browser:
    """A visitor of one server: its own cookies, redirects not followed."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirects(),
        )

    def open(self, path: str, data: list[tuple[str, str]] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.server.url + path, data=body)
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode(errors="replace")
            return Answer(response.status, dict(response.headers), text)

    def submit(self, path: str, changes: dict[str, str], button: str) -> Answer:
        """The form on ``path`` as the browser shows it, with ``changes``, posted."""
        page = self.open(path)
        assert page.status == 200, page.text[:300]
        # The form with these fields (the desk's header has a logout form too).
        forms = lxml.html.fromstring(page.text).forms
        form = next(f for f in forms if set(changes) <= set(f.fields.keys()))
        fields = [(k, v) for k, v in form.form_values() if k not in changes]
        fields += [*changes.items(), (button, "1")]
        return self.open(path, fields)

    def log_in(self) -> None:
        done = self.submit(
            "/admin/login/?next=/admin/",
            {"username": EDITOR, "password": PASSWORD},
            "login",
        )
        assert done.status == 302, done.text[:500]


@dataclass
class Pair:
    first: Server
    second: Server
    env: dict[str, str]
    articles: list[dict]

    def manage(self, script: str) -> str:
        done = manage("shell", "-v", "0", "-c", script, **self.env)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


def get(server: Server, path: str) -> Answer:
    return Browser(server).open(path)


@pytest.fixture(scope="module", params=["files", "redis"])
def pair(
    request, site_template: SiteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    tmp = tmp_path_factory.mktemp(f"nodes-{request.param}")
    # One public address, as in production: both servers' copies are one.
    # A generous stale bound: a loaded test machine must not time the lock out.
    env = {
        "NEWSROOM_BASE_URL": "http://news.example",
        "NEWSROOM_PAGE_STALE_SECONDS": "30",
    }
    if request.param == "redis":
        if not (postgresql_url() and redis_url()):
            pytest.skip(
                "two nodes share only PostgreSQL and Redis: set DATABASE_URL to a "
                "PostgreSQL server and REDIS_URL to a Redis"
            )
        env["REDIS_URL"] = redis_url()
        env["NEWSROOM_CACHE_PREFIX"] = f"newsroom-nodes-{secrets.token_hex(4)}"
    else:
        # The default cache: one folder shared by the machine's processes.
        env["NEWSROOM_CACHE_DIR"] = str(tmp / "cache")
    with site_template.copy(tmp / "db") as copy:
        env = site_template.server_env(
            site_template.url_for(copy), **{**env, "NEWSROOM_COMMENT_RATE": "100/m"}
        )
        env["NEWSROOM_COMMENT_MODERATION"] = "pre"
        done = manage(
            "shell",
            "-v",
            "0",
            "-c",
            _CREATE.format(name=EDITOR, password=PASSWORD),
            **env,
        )
        assert done.returncode == 0, done.stderr
        (tmp / "a").mkdir()
        (tmp / "b").mkdir()
        with (
            gunicorn(env, log_dir=tmp / "a", workers=1, threads=4) as first,
            gunicorn(env, log_dir=tmp / "b", workers=1, threads=4) as second,
        ):
            yield Pair(first, second, env, site_template.articles)


def _title(answer: Answer) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", answer.text, re.S)
    return found[1].strip() if found else ""


def test_an_edit_in_the_desk_of_one_is_seen_through_the_other_at_once(pair: Pair):
    path = pair.articles[0]["path"]
    assert get(pair.first, path).status == 200
    shared = get(pair.second, path)
    assert shared.headers["X-Cache"] == "hit"  # the copy the first server stored
    # The category's new name, in the menu and the breadcrumbs of every page.
    category = pair.manage(_CATEGORY_ID)
    editor = Browser(pair.first)
    editor.log_in()
    change = f"/admin/articles/category/{category}/change/"
    saved = editor.submit(change, {"name": "Harbour and ferries"}, "_save")
    assert saved.status == 302, saved.text[:2000]
    page = get(pair.second, path)
    assert "Harbour and ferries" in page.text
    assert get(pair.first, path).headers["X-Cache"] == "hit"


def test_a_comment_approved_through_one_is_seen_through_the_other_at_once(pair: Pair):
    article = pair.articles[1]
    comment = pair.manage(_HELD_COMMENT.format(pk=article["id"]))
    assert "Sundays" not in get(pair.second, article["path"]).text
    moderator = Browser(pair.first)
    moderator.log_in()
    queue = "/admin/comments/comment/"
    page = moderator.open(queue)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    done = moderator.open(
        queue,
        [
            ("csrfmiddlewaretoken", token),
            ("action", "approve"),
            ("_selected_action", comment),
            ("index", "0"),
        ],
    )
    assert done.status == 302, done.text[:500]
    assert (
        "The timetable is wrong on Sundays." in get(pair.second, article["path"]).text
    )


def test_a_scheduled_article_goes_live_through_both_at_its_time(pair: Pair):
    for server in (pair.first, pair.second):
        assert "Night ferry resumes" not in get(server, "/harbour/").text
    pair.manage(_SCHEDULE.format(seconds=3))
    assert "Night ferry resumes" not in get(pair.second, "/harbour/").text
    time.sleep(3.5)
    assert "Night ferry resumes" in get(pair.first, "/harbour/").text
    second = get(pair.second, "/harbour/")
    assert "Night ferry resumes" in second.text
    assert second.headers["X-Cache"] == "hit"


def test_an_edit_by_a_command_is_seen_through_both_at_once(pair: Pair):
    article = pair.articles[2]
    for server in (pair.first, pair.second):
        get(server, article["path"])
    pair.manage(_EDIT.format(pk=article["id"], title="Ferry timetable, by command"))
    for server in (pair.second, pair.first):
        assert _title(get(server, article["path"])) == "Ferry timetable, by command"


def test_readers_of_both_servers_cause_one_render_of_a_changed_page(pair: Pair):
    article = pair.articles[3]
    get(pair.first, article["path"])
    pair.manage(_EDIT.format(pk=article["id"], title="Ferry timetable, once"))
    barrier = threading.Barrier(8)

    def read(n: int) -> Answer:
        barrier.wait()
        return get(pair.first if n % 2 else pair.second, article["path"])

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(read, range(8)))
    outcomes = sorted(a.headers["X-Cache"] for a in answers)
    assert outcomes.count("miss") == 1, outcomes
    assert set(outcomes) <= {"miss", "hit", "stale"}
