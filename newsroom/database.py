"""PostgreSQL connections that give up instead of hanging.

Connections come from psycopg's pool, one per app process (settings.py).
Three limits keep a database that is down or stalled from holding a reader:

- connecting, and waiting for a free pooled connection, take at most
  NEWSROOM_DB_CONNECT_TIMEOUT seconds;
- each checkout from the pool is proved with a round trip that itself must
  answer within that time (a server that accepted the connection and then
  went silent fails here), and sets the statement timeout of that use;
- during a request, PostgreSQL stops any statement after
  NEWSROOM_DB_STATEMENT_TIMEOUT_MS, and the connection stops waiting for an
  answer a second later (for a server too stalled to enforce its own limit).
  Outside requests (migrate, the task worker) statements may run as long as
  they need.

A connection that gave up waiting is closed at once: the pool replaces it, and
the request gets the 503 page (newsroom/middleware.py).
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from django.conf import settings
from django.core.signals import request_finished, request_started
from psycopg import errors

# psycopg's own polling interval while it waits on the socket.
_WAIT_INTERVAL = 0.1
# How much longer than the statement timeout the client waits for the server
# to report that timeout itself.
_ANSWER_MARGIN_SECONDS = 1.0

_state = threading.local()


def in_request() -> bool:
    """Whether this thread is answering a request (limits then apply)."""
    return getattr(_state, "in_request", False)


def _request_started(**kwargs: Any) -> None:
    _state.in_request = True


def _request_finished(**kwargs: Any) -> None:
    _state.in_request = False


request_started.connect(_request_started, dispatch_uid="newsroom-db-request-started")
request_finished.connect(_request_finished, dispatch_uid="newsroom-db-request-finished")


class DatabaseStalled(psycopg.OperationalError):
    """The server did not answer in time; the connection has been closed."""


class BoundedConnection(psycopg.Connection):
    """A connection that waits for the server no longer than ``answer_timeout`` seconds.

    Until a checkout sets the limit for its use, the limit is the connect
    timeout: the pool's own setup queries are bounded too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answer_timeout: float | None = float(settings.NEWSROOM_DB_CONNECT_TIMEOUT)

    def wait(self, gen, interval: float = _WAIT_INTERVAL, timeout: float | None = None):
        limit = self.answer_timeout
        if limit is not None and (timeout is None or timeout > limit):
            timeout = limit
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except errors._WaitTimeout:
            # Half-way through an exchange: nothing more can be said on it.
            self.close()
            raise DatabaseStalled(
                f"the database did not answer within {timeout:g} s"
            ) from None


def check_connection(conn: BoundedConnection) -> None:
    """The pool's check on every checkout: one round trip that sets this use's limits."""
    statement_ms = settings.NEWSROOM_DB_STATEMENT_TIMEOUT_MS if in_request() else 0
    # The check itself must answer as fast as a connection is made.
    conn.answer_timeout = float(settings.NEWSROOM_DB_CONNECT_TIMEOUT)
    if not conn.autocommit:
        conn.autocommit = True  # a SET inside a transaction would end with it
    conn.execute(f"SET statement_timeout = {int(statement_ms)}")
    conn.answer_timeout = (
        statement_ms / 1000 + _ANSWER_MARGIN_SECONDS if statement_ms else None
    )
