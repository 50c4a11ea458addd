"""Pytest plugin for mutation runs (setup.cfg, ``[mutmut]``): migrate the test database once.

mutmut runs the tests once to learn which tests reach which function, then
runs each mutant's tests in a process forked from that one. Migrating a fresh
in-memory SQLite database takes longer than most mutants' tests, so the run
passes ``--reuse-db``: the database the first session made stays in memory,
and the forked processes inherit it.

A reused database must also start clean. Right after the first session
migrates, this plugin copies the database aside; every later session (and
every forked process) starts from that copy, so rows a test left behind, or
rows a transactional test flushed away (the Moderators group the migrations
create), never leak into the next run. Other databases are left as they are.
"""

from __future__ import annotations

import sqlite3

import pytest

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
