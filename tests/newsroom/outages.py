"""Services that fail for real, and a site for gunicorn to serve while they do.

``Gate`` is a TCP port on 127.0.0.1 in front of a real server (PostgreSQL,
Redis) that relays, stalls (accepts connections and never answers) or refuses
(nothing listens) on command. ``SiteTemplate`` migrates and fills a database
once per test session, SQLite or, when DATABASE_URL names one, PostgreSQL;
each test module serves a copy of its own.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import shutil
import socket
import sqlite3
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import dj_database_url
import psycopg
from django.core import signing
from psycopg import sql

from tests.servers import Server, free_port
from tests.subprocesses import manage

SECRET = "outage-tests-only-not-a-secret"
# comments/signing.py signs the form's "shown at" stamp with this salt.
FORM_SALT = "comments.form-timestamp"


class Gate:
    """A port that relays to ``upstream``, stalls or refuses.

    - ``open()``: every connection is relayed to the real server.
    - ``stall()``: new connections are accepted and never answered, and those
      already relayed freeze mid-conversation (nothing more passes).
    - ``refuse()``: nothing listens; open connections are reset.

    Leaving a stall or refusing drops every connection of before, as a server
    restart would. ``upstream`` None: a gate that can only stall or refuse.
    """

    def __init__(self, upstream: tuple[str, int] | None = None) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._mode = "refuse"
        self._epoch = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._held: list[socket.socket] = []
        self.accepted = 0  # connections accepted so far

    # Modes ---------------------------------------------------------------

    def open(self) -> None:
        if self.upstream is None:
            raise RuntimeError("this gate has no server behind it")
        self._switch("open")

    def stall(self) -> None:
        self._switch("stall")

    def refuse(self) -> None:
        self._switch("refuse")

    def close(self) -> None:
        self.refuse()

    def _switch(self, mode: str) -> None:
        with self._lock:
            previous, self._mode = self._mode, mode
            if previous == mode:
                return
            if not (previous == "open" and mode == "stall"):
                # A restart: what was relayed, held or frozen is dropped.
                self._epoch += 1
                held, self._held = self._held, []
                for sock in held:
                    _reset(sock)
            if mode == "refuse" and self._listener is not None:
                self._listener.close()
                self._listener = None
            elif mode != "refuse" and self._listener is None:
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", self.port))
                listener.listen(64)
                self._listener = listener
                threading.Thread(
                    target=self._accept, args=(listener,), daemon=True
                ).start()

    # Work ----------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                ready, _, _ = select.select([listener], [], [], 0.1)
                if not ready:
                    if listener.fileno() == -1:
                        return
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                return  # closed: the gate now refuses
            with self._lock:
                mode, epoch = self._mode, self._epoch
                self._held.append(client)
                self.accepted += 1
            if mode == "open":
                threading.Thread(
                    target=self._relay, args=(client, epoch), daemon=True
                ).start()

    def _relay(self, client: socket.socket, epoch: int) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _reset(client)
            return
        with self._lock:
            self._held.append(server)
        pair = {client: server, server: client}
        while True:
            with self._lock:
                mode, current = self._mode, self._epoch
            if current != epoch:
                return  # dropped by _switch
            if mode == "stall":
                time.sleep(0.05)  # frozen: read nothing, answer nothing
                continue
            try:
                ready, _, _ = select.select(list(pair), [], [], 0.05)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        _reset(client)
                        _reset(server)
                        return
                    pair[sock].sendall(data)
            except (OSError, ValueError):
                _reset(client)
                _reset(server)
                return


def _reset(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with suppress(OSError):
        sock.close()


# HTTP ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


def fetch(
    server: Server,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 20,
) -> Answer:
    """One request, redirects not followed, straight to the server."""
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(
        address.hostname, address.port, timeout=timeout
    )
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return Answer(response.status, response.msg, content, time.monotonic() - started)


def post_comment(server: Server, article_id: int, body: str) -> Answer:
    """A reader's comment, as the page's script sends it."""
    fields = {
        "body": body,
        "author_name": "Harbour Reader",
        "author_email": "reader@example.com",
        # The form was shown 30 seconds ago, signed as the server signs it.
        "shown_at": signing.dumps(int(time.time()) - 30, salt=FORM_SALT, key=SECRET),
        "website": "",
        "parent": "",
    }
    return fetch(
        server,
        f"/comments/articles/{article_id}/post/",
        method="POST",
        body=urlencode(fields).encode(),
        headers={
            "Sec-Fetch-Site": "same-origin",
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )


def wait_for(check, *, within: float, every: float = 0.2):
    """Call ``check`` until it returns something true; that value, or the last one."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


# The site ---------------------------------------------------------------------

_FILL = """
import json
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Category
category = Category.objects.create(name="Harbour", slug="harbour", is_in_navigation=True)
articles = [
    Article.objects.create(
        title=f"Ferry timetable {n}", slug=f"ferry-timetable-{n}", category=category,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=n + 1),
    )
    for n in range(4)
]
print(json.dumps([{"id": a.pk, "path": a.get_absolute_url()} for a in articles]))
"""


def postgresql_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql"):
        return url
    return None


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL", "").strip() or None


def server_params(url: str) -> dict:
    config = dj_database_url.parse(url)
    return {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(dbname="postgres", autocommit=True, **server_params(url))


@dataclass
class SiteTemplate:
    """A migrated database with a few published articles, and collected static files."""

    kind: str  # "sqlite" or "postgresql"
    source: str  # SQLite file, or PostgreSQL database name
    static_root: Path
    articles: list[dict]
    postgresql: str | None = None  # the server's URL
    copies: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, tmp: Path) -> SiteTemplate:
        static_root = tmp / "static"
        postgresql = postgresql_url()
        if postgresql:
            name = f"newsroom_outage_template_{os.getpid()}"
            with _admin(postgresql) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
                admin.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
            url = urlsplit(postgresql)._replace(path=f"/{name}").geturl()
            template = cls("postgresql", name, static_root, [], postgresql)
        else:
            path = tmp / "template.sqlite3"
            url = f"sqlite:///{path}"
            template = cls("sqlite", str(path), static_root, [])
        env = {"DATABASE_URL": url, "NEWSROOM_STATIC_ROOT": str(static_root)}
        for command in (("migrate", "--no-input"), ("collectstatic", "--no-input")):
            done = manage(*command, "-v", "0", **env)
            assert done.returncode == 0, done.stderr
        filled = manage("shell", "-v", "0", "-c", _FILL, **env)
        assert filled.returncode == 0, filled.stderr
        template.articles = json.loads(filled.stdout.strip().splitlines()[-1])
        return template

    @contextmanager
    def copy(self, folder: Path) -> Iterator[str]:
        """A database of the module's own, made from the template; its name."""
        if self.kind == "sqlite":
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "site.sqlite3"
            shutil.copyfile(self.source, path)
            yield str(path)
            return
        name = f"newsroom_outage_{os.getpid()}_{len(self.copies)}"
        self.copies.append(name)
        with _admin(self.postgresql) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(self.source)
                )
            )
        try:
            yield name
        finally:
            self._drop(name)

    def _drop(self, name: str) -> None:
        with _admin(self.postgresql) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )

    def remove(self) -> None:
        if self.kind == "postgresql":
            self._drop(self.source)

    def server_env(self, database_url: str, **extra: str) -> dict[str, str]:
        """Settings for a gunicorn serving a copy: short timeouts, no surprises."""
        return {
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "NEWSROOM_STATIC_ROOT": str(self.static_root),
            "NEWSROOM_TASKS": "immediate",
            "NEWSROOM_COMMENT_MODERATION": "post",
            "NEWSROOM_COMMENT_RATE": "1000/m",
            "NEWSROOM_COMMENT_MIN_SECONDS": "0",
            "NEWSROOM_LOG_LEVEL": "WARNING",
            "NEWSROOM_DB_CONNECT_TIMEOUT": "1",
            "NEWSROOM_DB_STATEMENT_TIMEOUT_MS": "1000",
            "NEWSROOM_CACHE_TIMEOUT_MS": "200",
            # The SQLite outages here take the file away from new connections
            # (its folder moved, an exclusive lock); a connection kept open
            # rides through both, so each request opens its own.
            "NEWSROOM_SQLITE_CONN_MAX_AGE": "0",
            **extra,
        }

    def url_for(self, copy: str) -> str:
        """The DATABASE_URL of a copy made by ``copy()``."""
        if self.kind == "sqlite":
            return f"sqlite:///{copy}"
        return self.postgresql_url_for(copy)

    def postgresql_url_for(self, name: str, port: int | None = None) -> str:
        """The URL of database ``name``, through ``port`` (a gate) if given."""
        address = urlsplit(self.postgresql)
        netloc = address.netloc
        if port is not None:
            credentials = netloc.rpartition("@")[0]
            netloc = (
                f"{credentials}@127.0.0.1:{port}"
                if credentials
                else f"127.0.0.1:{port}"
            )
        return address._replace(netloc=netloc, path=f"/{name}").geturl()

    def postgresql_address(self) -> tuple[str, int]:
        params = server_params(self.postgresql)
        return params["host"] or "127.0.0.1", int(params["port"] or 5432)


@contextmanager
def sqlite_locked(path: str) -> Iterator[None]:
    """Another connection holds the database file exclusively, as a stuck writer would."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE articles_category SET name = name")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def sqlite_missing(path: str) -> Iterator[None]:
    """The database file's folder is gone (a failed mount): nothing can be opened."""
    folder = Path(path).parent
    away = folder.with_name(folder.name + "-away")
    folder.rename(away)
    try:
        yield
    finally:
        away.rename(folder)
