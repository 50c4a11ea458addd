"""Keeps the full-text index in step with the articles.

PostgreSQL: ``Article.search_vector`` (title weight A, standfirst B, body C;
'english' stemming), with a GIN index created by migration 0002.
SQLite: the FTS5 table ``articles_search`` (rowid = article id), also created
by migration 0002, with Porter stemming.

PostgreSQL refuses a vector whose words and positions take more than 1 MB,
so there the index holds the first 200,000 characters of the body (some
30,000 words, far beyond any article) and the first 2,000 of the standfirst
(the form allows 400). FTS5 has no such limit and holds all of the text.

The index holds every article, public or not: whether an article may be found
is decided at query time by ``Article.objects.published()``, so scheduling,
unpublishing and drafts need no index change. It only has to follow the
text, which ``Article.save()`` and ``Article.refresh_derived_text()`` report
here. Bulk writes that bypass both (``bulk_create``, ``QuerySet.update`` of
the title or standfirst) are followed by ``manage.py rebuild_search_index``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.postgres.search import SearchVector
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.functions import Left
from django.db.models.signals import post_delete

FTS_TABLE = "articles_search"
# The tokenizer migration 0002 gave the FTS5 index: Porter stemming on top of
# unicode61, and "cafe" finds "café". Search extracts are marked with it too.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
SEARCH_CONFIG = "english"
# Fields whose text the index holds; saving only other fields skips the index.
INDEXED_FIELDS = frozenset({"title", "standfirst", "body_text"})
# A vector costs up to about 4.5 bytes per character of text (a short word
# used once: its bytes, alignment, a position); this keeps under 1 MB.
INDEXED_BODY_CHARS = 200_000
INDEXED_STANDFIRST_CHARS = 2_000


def search_vector_expression() -> SearchVector:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(
            Left("standfirst", INDEXED_STANDFIRST_CHARS),
            weight="B",
            config=SEARCH_CONFIG,
        )
        + SearchVector(
            Left("body_text", INDEXED_BODY_CHARS), weight="C", config=SEARCH_CONFIG
        )
    )


def _fts_replace_sql(where: str) -> str:
    return (
        f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, body) "
        f"SELECT id, title, standfirst, body_text FROM articles_article WHERE {where}"
    )


def index_articles(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Bring the index entries of these articles up to date with their stored text."""
    from .models import Article

    ids = list(ids)
    if not ids:
        return
    connection = connections[using]
    if connection.vendor == "postgresql":
        Article.objects.using(using).filter(pk__in=ids).update(
            search_vector=search_vector_expression()
        )
    elif connection.vendor == "sqlite":
        placeholders = ", ".join(["%s"] * len(ids))
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", ids
            )
            cursor.execute(_fts_replace_sql(f"id IN ({placeholders})"), ids)


def index_article(article, update_fields: Iterable[str] | None = None) -> None:
    """Called by ``Article.save()`` and ``refresh_derived_text()`` once the row is written."""
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return
    index_articles([article.pk], using=article._state.db or DEFAULT_DB_ALIAS)


def _forget_deleted_article(sender, instance, using: str, **kwargs) -> None:
    # The PostgreSQL vector goes with its row; the FTS5 table is separate.
    if connections[using].vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [instance.pk])


post_delete.connect(
    _forget_deleted_article,
    sender="articles.Article",
    dispatch_uid="articles-search-index-delete",
)


def rebuild_index(
    batch_size: int = 1000,
    using: str = DEFAULT_DB_ALIAS,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-index every article in batches of ``batch_size`` ids; returns how many.

    Each batch is its own transaction, so readers keep finding every article
    that is not in the batch being written, and writers are never held up long.
    """
    from .models import Article

    articles = Article.objects.using(using)
    total = articles.count()
    connection = connections[using]
    done, last_id = 0, 0
    while True:
        ids = list(
            articles.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        if connection.vendor == "sqlite":
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid BETWEEN %s AND %s",
                    [last_id + 1, ids[-1]],
                )
                cursor.execute(
                    _fts_replace_sql("id BETWEEN %s AND %s"), [last_id + 1, ids[-1]]
                )
        else:
            index_articles(ids, using=using)
        done += len(ids)
        last_id = ids[-1]
        if progress:
            progress(done, total)
    with connection.cursor() as cursor:
        # Fresh planner statistics: without them SQLite may pick the status
        # index over primary keys when fetching a page of results.
        cursor.execute("ANALYZE articles_article")
    if connection.vendor == "sqlite":
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # Rows of articles deleted behind the application's back.
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid > %s OR rowid NOT IN "
                "(SELECT id FROM articles_article)",
                [last_id],
            )
            # Merge the index segments the batches wrote: faster searches.
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    return done


def indexed_article_ids(using: str = DEFAULT_DB_ALIAS) -> set[int]:
    """Ids of the articles that have an index entry; for checks after maintenance."""
    from .models import Article

    connection = connections[using]
    if connection.vendor == "postgresql":
        return set(
            Article.objects.using(using)
            .exclude(search_vector=None)
            .values_list("pk", flat=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE}")
        return {row[0] for row in cursor.fetchall()}
