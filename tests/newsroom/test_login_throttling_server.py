"""Failed logins to the newsroom desk, throttled on a real gunicorn.

Two sync workers share the failure count through the database (SQLite, or
PostgreSQL when DATABASE_URL names one), so whichever worker answers, a
browser that keeps guessing is locked out: after NEWSROOM_LOGIN_FAILURES
failures for a username, or from an address, the login answers 429 with
Retry-After and never a session, even for the right password. An operator
lifts the lock with manage.py (axes_reset_username, axes_reset_ip) run
against the same database, and the editor logs in again.

Everything goes over real HTTP with urllib and a cookie jar, as a browser
would: the login page for the CSRF cookie and token, then the form's POST.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings
from django.urls import reverse

from newsroom.admin_guard import LOGIN_REFUSED
from tests.servers import Server, gunicorn
from tests.subprocesses import manage

from .outages import SiteTemplate, redis_url, server_params

# A real gunicorn and manage.py in child processes: run by make test-slow.
pytestmark = pytest.mark.slow

FAILURES = 3  # NEWSROOM_LOGIN_FAILURES for this server
COOL_OFF_SECONDS = 15 * 60  # NEWSROOM_LOGIN_COOLOFF_MINUTES' default
ADDRESS = "127.0.0.1"  # where every request of these tests comes from
EDITOR = "harbour-editor"
COLLEAGUE = "ferry-desk"
PASSWORD = "lantern-quay-tide-4827"

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ERRORNOTE = re.compile(r'<p class="errornote"[^>]*>(.*?)</p>', re.S)

_CREATE_STAFF = """
from django.contrib.auth.models import User
for name in {names!r}:
    User.objects.create_user(name, password={password!r}, is_staff=True)
"""


@dataclass
class Desk:
    server: Server
    env: dict[str, str]  # the server's settings, for manage.py
    database: str  # the SQLite file, or the PostgreSQL database's name

    def manage(self, *args: str) -> str:
        """``manage.py *args`` against the server's database; its output."""
        done = manage(*args, **self.env)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def forget_failures(self) -> None:
        """No failed login on record: each test starts unlocked.

        Straight to the table, a second quicker than ``manage.py axes_reset``.
        """
        delete = "DELETE FROM axes_accessattempt"
        url = self.env["DATABASE_URL"]
        if url.startswith("sqlite:"):
            with closing(sqlite3.connect(self.database)) as db, db:
                db.execute(delete)
        else:
            params = server_params(url)
            with psycopg.connect(dbname=self.database, **params) as db:
                db.execute(delete)


@pytest.fixture(scope="module")
def desk(
    site_template: SiteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    tmp = tmp_path_factory.mktemp("login-throttling")
    with site_template.copy(tmp / "db") as copy:
        url = site_template.url_for(copy)
        env = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": ADDRESS,
            "DATABASE_URL": url,
            "NEWSROOM_HTTPS": "0",
            "NEWSROOM_STATIC_ROOT": str(site_template.static_root),
            "NEWSROOM_LOG_LEVEL": "WARNING",
            # The desk where this process's reverse() finds it.
            "NEWSROOM_ADMIN_PATH": settings.NEWSROOM_ADMIN_PATH,
            "NEWSROOM_LOGIN_FAILURES": str(FAILURES),
            "NEWSROOM_CACHE_PREFIX": f"newsroom-login-{tmp.name}",
        }
        if redis := redis_url():
            env["REDIS_URL"] = redis
        created = manage(
            "shell",
            "-v",
            "0",
            "-c",
            _CREATE_STAFF.format(names=(EDITOR, COLLEAGUE), password=PASSWORD),
            **env,
        )
        assert created.returncode == 0, created.stderr
        with gunicorn(env, log_dir=tmp, workers=2) as server:
            yield Desk(server, env, copy)


# A browser -----------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer to look at, not one to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    text: str

    @property
    def refusal(self) -> str:
        """The login page's error note, without its markup."""
        notes = _ERRORNOTE.findall(self.text)
        return " ".join(" ".join(note.split()) for note in notes)


class Browser:
    """One visitor: its own cookie jar, no proxy, redirects not followed."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.jar),
            _NoRedirects(),
        )

    def open(self, path: str, data: dict[str, str] | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.server.url + path, data=body)
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Answer(
                response.status,
                dict(response.headers),
                response.headers.get_all("Set-Cookie") or [],
                response.read().decode(errors="replace"),
            )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def log_in(self, username: str, password: str) -> Answer:
        """The login page (for the CSRF cookie and token), then the form's POST."""
        page = self.open(reverse("admin:login"))
        assert page.status == 200, page.text[:500]
        assert "<h1>Newsroom login</h1>" in page.text
        token = _TOKEN.search(page.text)
        assert token and self.cookie("csrftoken"), page.text[:500]
        return self.open(
            reverse("admin:login"),
            {
                "csrfmiddlewaretoken": token[1],
                "username": username,
                "password": password,
                "next": reverse("admin:index"),
            },
        )


def attempt(desk: Desk, username: str, password: str) -> tuple[Answer, Browser]:
    """One login by a fresh browser (its own cookies), as an attacker's would be."""
    browser = Browser(desk.server)
    return browser.log_in(username, password), browser


def assert_refused(answer: Answer) -> None:
    assert answer.status == 200, answer.text[:500]
    assert answer.refusal == LOGIN_REFUSED
    assert not any(c.startswith("sessionid=") for c in answer.set_cookies)


def assert_locked_out(answer: Answer, browser: Browser) -> None:
    assert answer.status == 429, answer.text[:500]
    assert answer.headers.get("Retry-After") == str(COOL_OFF_SECONDS)
    assert "no-cache" in answer.headers.get("Cache-Control", "")
    assert "Too many failed logins" in answer.text
    # No session: neither in the answer nor in the browser.
    assert not any(c.startswith("sessionid=") for c in answer.set_cookies)
    assert browser.cookie("sessionid") is None
    # Nothing says which account or address was locked.
    assert EDITOR not in answer.text and ADDRESS not in answer.text


def assert_logged_in(answer: Answer, browser: Browser, username: str) -> None:
    assert answer.status == 302, answer.text[:500]
    assert answer.headers["Location"] == reverse("admin:index")
    assert any(c.startswith("sessionid=") for c in answer.set_cookies)
    assert browser.cookie("sessionid")
    # The session opens the desk, whichever worker answers.
    for _ in range(2):
        index = browser.open(reverse("admin:index"))
        assert index.status == 200, index.text[:500]
        assert username in index.text


# The tests -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _unlocked(desk: Desk) -> None:
    desk.forget_failures()


def test_a_locked_username_and_address_are_unlocked_by_the_operator(desk: Desk):
    # Wrong passwords: the same words each time, then the lock.
    for n in range(FAILURES - 1):
        assert_refused(attempt(desk, EDITOR, f"not-the-password-{n}")[0])
    # The failure that reaches the limit is answered with the lockout page.
    assert_locked_out(*attempt(desk, EDITOR, "not-the-password-last"))

    # The right password is not even checked now, by either worker.
    for _ in range(3):
        assert_locked_out(*attempt(desk, EDITOR, PASSWORD))
    # The address is locked too: a colleague at this address is refused.
    assert_locked_out(*attempt(desk, COLLEAGUE, PASSWORD))

    # The operator lifts both locks, against the server's database.
    assert "attempts removed" in desk.manage("axes_reset_username", EDITOR)
    desk.manage("axes_reset_ip", ADDRESS)

    assert_logged_in(*attempt(desk, EDITOR, PASSWORD), EDITOR)


def test_guesses_at_many_usernames_lock_the_address(desk: Desk):
    for n in range(FAILURES - 1):
        assert_refused(attempt(desk, f"guess-{n}", PASSWORD)[0])
    assert_locked_out(*attempt(desk, "guess-last", PASSWORD))

    # A username with no failures of its own, from the locked address.
    assert_locked_out(*attempt(desk, COLLEAGUE, PASSWORD))
    # Unlocking that username changes nothing: the lock is the address's.
    assert "No attempts found" in desk.manage("axes_reset_username", COLLEAGUE)
    assert_locked_out(*attempt(desk, COLLEAGUE, PASSWORD))

    assert "attempts removed" in desk.manage("axes_reset_ip", ADDRESS)
    assert_logged_in(*attempt(desk, COLLEAGUE, PASSWORD), COLLEAGUE)
