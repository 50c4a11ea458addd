"""Pytest plugin for mutation runs (setup.cfg, ``[mutmut]``; not loaded by ``make test``).

mutmut runs the selected tests once to learn which tests reach which
function, then runs each mutant's tests in a process forked from that one.
Four things make those runs fast without changing what they prove:

One migrated database. Migrating a fresh in-memory SQLite database takes
longer than most mutants' tests, so the run passes ``--reuse-db``: the
database the first session made stays in memory, and the forked processes
inherit it. Right after the first session migrates, this plugin copies the
database aside, and every later session (and forked process) starts from that
copy: rows a test left behind, or rows a transactional test flushed away (the
Moderators group the migrations create), never leak into the next run. Other
databases are left as they are.

Only the tests asked for are built. mutmut names each test that reaches the
mutated function, often hundreds, one argument each. pytest would resolve
every argument on its own and build every test of each module named, which
takes longer than running the first few: the arguments become their modules
instead, and only the tests named are built and run.

Pointed tests first. A mutant's run stops at its first failing test, but
pytest-django runs database tests first and tests without one last. The
tests written to kill mutants (tests/mutants/) are quick and pointed, so
they lead: those without a database, then those with one. The other tests
follow, again without a database first. Transactional tests come last, as
pytest-django has them (one empties the tables when it ends). Otherwise the
tests keep the order mutmut gave them: quickest first.

Quick tests stay quick. A mutant can turn a loop into one that never ends
(the importer's link scanner); mutmut would wait some twenty seconds for it.
A test from tests/mutants/ that runs for more than a few seconds fails
instead: none needs more than a fraction of one. What stops it is no
ordinary exception, so no ``except`` in the code under test swallows it (the
page cache's wait for another render suppresses OSError, TimeoutError
included, and would wait out its lock).
"""

from __future__ import annotations

import signal
import sqlite3

import pytest

QUICK_TEST_SECONDS = 3

_snapshots: dict[str, sqlite3.Connection] = {}


class TooSlow(BaseException):
    """A quick test ran past QUICK_TEST_SECONDS."""


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


# A mutant's run names every test that reaches its function, often hundreds,
# one argument each; pytest resolves each argument on its own, which costs
# more than running the first few tests. So the arguments become their files
# (each once), the tests asked for are remembered, and only those are built.
_asked: dict[str, int] = {}  # node id: its place among the arguments
_asked_names: dict[str, set[str]] = {}  # per file: the names of its tests asked for


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    _asked.clear()
    _asked_names.clear()
    args, whole = [], set()
    for arg in session.config.args:
        path, _, name = arg.partition("::")
        if not name:
            whole.add(path)
        elif path not in _asked_names:
            _asked_names[path] = set()
        if name:
            _asked.setdefault(arg, len(_asked))
            _asked_names[path].add(name.partition("::")[0].partition("[")[0])
        if path not in args:
            args.append(path)
    for path in whole:
        _asked_names.pop(path, None)
    if _asked:
        session.config.args = args


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Collector, name: str, obj: object
) -> list | None:
    if isinstance(collector, pytest.Module):
        names = _asked_names.get(collector.nodeid)
        if names is not None and name not in names:
            return []  # not asked for: not built
    return None


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


def _order(item: pytest.Item) -> tuple[bool, bool, int, int]:
    group = _group(item)
    mutants = item.nodeid.startswith("tests/mutants/")
    return group == 2, not mutants, group, _asked.get(item.nodeid, 0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    # Of a test asked for with one set of parameters, only that set runs.
    unasked = [
        item
        for item in items
        if item.nodeid.partition("::")[0] in _asked_names and item.nodeid not in _asked
    ]
    if unasked:
        config.hook.pytest_deselected(items=unasked)
        items[:] = [
            item
            for item in items
            if item.nodeid in _asked
            or item.nodeid.partition("::")[0] not in _asked_names
        ]
    # Runs after pytest-django's ordering, and keeps it within each group.
    items.sort(key=_order)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not item.nodeid.startswith("tests/mutants/"):
        return (yield)

    def too_slow(signum, frame):
        raise TooSlow(f"still running after {QUICK_TEST_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, QUICK_TEST_SECONDS)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
