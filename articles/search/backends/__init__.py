"""Which search backend a database connection uses, and the index upkeep through it.

SQLite uses FTS5 (sqlite.py), PostgreSQL django.contrib.postgres
(postgres.py); base.py says what both do. This is the one place that asks
which database a connection is. Migration 0002 gave only these two an index:
on any other database, indexing does nothing and searching is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections

from ..query import ParsedQuery
from .base import INDEXED_FIELDS, SearchBackend, SearchFilters
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

__all__ = [
    "INDEXED_FIELDS",
    "SearchBackend",
    "SearchFilters",
    "backend_class",
    "backend_for",
    "forget_articles",
    "index_articles",
    "indexed_article_ids",
    "rebuild_index",
]

BACKENDS: dict[str, type[SearchBackend]] = {
    "postgresql": PostgresBackend,
    "sqlite": SQLiteBackend,
}


def backend_class(using: str = DEFAULT_DB_ALIAS) -> type[SearchBackend] | None:
    """The backend for this database connection; None if search does not support it."""
    return BACKENDS.get(connections[using].vendor)


def _supported(using: str) -> type[SearchBackend]:
    backend = backend_class(using)
    if backend is None:
        vendor = connections[using].vendor
        raise NotImplementedError(f"Search does not support the {vendor} database.")
    return backend


def backend_for(
    query: ParsedQuery,
    filters: SearchFilters | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> SearchBackend:
    """A search for ``query``, ready to run on this database."""
    return _supported(using)(query, filters, using)


def index_articles(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Bring the index entries of these articles up to date with their stored text."""
    ids = list(ids)
    backend = backend_class(using)
    if ids and backend is not None:
        backend.index_articles(ids, using)


def forget_articles(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the index entries of these deleted articles."""
    ids = list(ids)
    backend = backend_class(using)
    if ids and backend is not None:
        backend.forget_articles(ids, using)


def rebuild_index(
    batch_size: int = 1000,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-index every article in batches of ``batch_size`` ids; returns how many."""
    return _supported(using).rebuild_index(batch_size, using, progress)


def indexed_article_ids(using: str = DEFAULT_DB_ALIAS) -> set[int]:
    """Ids of the articles that have an index entry; for checks after maintenance."""
    return _supported(using).indexed_article_ids(using)
