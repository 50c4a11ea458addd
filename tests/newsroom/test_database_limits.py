"""PostgreSQL's limits, one at a time, on connections from a pool built as settings.py builds it.

During a request, the server cancels a statement after
NEWSROOM_DB_STATEMENT_TIMEOUT_MS, and the client stops waiting for a server
that has gone silent a second later; outside requests (migrate, the task
worker) statements run as long as they need. Skipped without PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from newsroom import database
from newsroom.database import BoundedConnection, DatabaseStalled, check_connection

from .outages import Gate, postgresql_url, server_params

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        postgresql_url() is None,
        reason="DATABASE_URL does not name a PostgreSQL server",
    ),
]


@pytest.fixture
def limits(settings):
    settings.NEWSROOM_DB_CONNECT_TIMEOUT = 1
    settings.NEWSROOM_DB_STATEMENT_TIMEOUT_MS = 300


@pytest.fixture
def in_request() -> Iterator[None]:
    """As between Django's request_started and request_finished signals."""
    database._request_started()
    try:
        yield
    finally:
        database._request_finished()


def _pool(port: int | None = None) -> ConnectionPool:
    params = server_params(postgresql_url())
    if port is not None:
        params.update(host="127.0.0.1", port=port)
    return ConnectionPool(
        kwargs={
            "dbname": "postgres",
            "autocommit": True,
            "connect_timeout": 1,
            **params,
        },
        connection_class=BoundedConnection,
        check=check_connection,
        min_size=1,
        max_size=2,
        timeout=1,
        reconnect_timeout=0,
        open=True,
    )


def test_a_slow_statement_is_cancelled_during_a_request(limits, in_request):
    with _pool() as pool, pool.connection() as conn:
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(3)")
        assert time.monotonic() - started < 1.5
        # The connection is still good: the server cancelled the statement itself.
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_outside_requests_statements_run_as_long_as_they_need(limits):
    with _pool() as pool, pool.connection() as conn:
        conn.execute("SELECT pg_sleep(0.6)")
        assert conn.execute("SHOW statement_timeout").fetchone() == ("0",)


def test_a_server_that_goes_silent_mid_request_is_given_up_on(limits, in_request):
    server = server_params(postgresql_url())
    gate = Gate((server["host"] or "127.0.0.1", int(server["port"] or 5432)))
    gate.open()
    try:
        with _pool(gate.port) as pool:
            conn = pool.getconn()
            assert conn.execute("SELECT 1").fetchone() == (1,)
            gate.stall()  # the connection freezes: nothing more comes back
            started = time.monotonic()
            with pytest.raises(DatabaseStalled):
                conn.execute("SELECT 1")
            # The statement timeout (0.3 s) and a second's margin.
            assert 1.0 < time.monotonic() - started < 2.5
            assert conn.closed
            pool.putconn(conn)
            # A new checkout waits no longer than the pool's timeout.
            started = time.monotonic()
            with pytest.raises(psycopg.OperationalError):
                pool.getconn()
            assert time.monotonic() - started < 2.5
            gate.open()
            # Back by itself.
            with pool.connection(timeout=5) as again:
                assert again.execute("SELECT 1").fetchone() == (1,)
    finally:
        gate.close()
