"""Pytest plugin for mutation runs (setup.cfg, ``[mutmut]``; not loaded by ``make test``).

mutmut runs the selected tests once to learn which tests reach which
function, then runs each mutant's tests in a process forked from that one.
Two things make those runs fast without changing what they prove:

One migrated database. Migrating a fresh in-memory SQLite database takes
longer than most mutants' tests, so the run passes ``--reuse-db``: the
database the first session made stays in memory, and the forked processes
inherit it. Right after the first session migrates, this plugin copies the
database aside, and every later session (and forked process) starts from that
copy: rows a test left behind, or rows a transactional test flushed away (the
Moderators group the migrations create), never leak into the next run. Other
databases are left as they are.

Pointed tests first. A mutant's run stops at its first failing test, but
pytest-django runs database tests first and tests without one last. The
tests written to kill mutants (tests/mutants/) are quick and pointed, and
most need no database, so tests without a database move to the front, and
within each group the tests from tests/mutants/ lead. Database tests, then
transactional ones, keep their relative order (a transactional test empties
the tables when it ends).

Quick tests stay quick. A mutant can turn a loop into one that never ends
(the importer's link scanner); mutmut would wait some twenty seconds for it.
A test from tests/mutants/ that runs for more than a few seconds fails
instead: none needs more than a fraction of one.
"""

from __future__ import annotations

import signal
import sqlite3

import pytest

QUICK_TEST_SECONDS = 3

_snapshots: dict[str, sqlite3.Connection] = {}


def _restore_or_snapshot(aliases) -> None:
    from django.db import connections

    for alias in aliases:
        connection = connections[alias]
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            continue
        connection.ensure_connection()
        live = connection.connection
        if alias in _snapshots:
            _snapshots[alias].backup(live)
        else:
            snapshot = sqlite3.connect(":memory:")
            live.backup(snapshot)
            _snapshots[alias] = snapshot


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("reuse_db", default=False):
        return
    from django.db import connections
    from django.test import utils

    if getattr(utils.setup_databases, "restores_snapshots", False):
        return  # a later session in the same process: already in place
    original = utils.setup_databases

    def setup_databases(*args, **kwargs):
        result = original(*args, **kwargs)
        _restore_or_snapshot(kwargs.get("aliases") or list(connections))
        return result

    setup_databases.restores_snapshots = True
    utils.setup_databases = setup_databases


def _group(item: pytest.Item) -> int:
    """0: no database, 1: database, 2: transactional database (as pytest-django sees it)."""
    from pytest_django.fixtures import validate_django_db

    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = any(
        name in fixtures for name in ("transactional_db", "live_server")
    )
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    if transactional:
        return 2
    return 1 if marker is not None or "db" in fixtures else 0


def _order(item: pytest.Item) -> tuple[int, bool]:
    return _group(item), not item.nodeid.startswith("tests/mutants/")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Runs after pytest-django's ordering, and keeps it within each group.
    items.sort(key=_order)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not item.nodeid.startswith("tests/mutants/"):
        return (yield)

    def too_slow(signum, frame):
        raise TimeoutError(f"still running after {QUICK_TEST_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, QUICK_TEST_SECONDS)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
