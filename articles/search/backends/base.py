"""What every database's search backend does, so the search page behaves the same on each.

A backend class keeps its database's index in step with the articles (class
methods: an index belongs to a database, not to a query), and an instance
runs one search. A search answers three questions:

1. ``newest_matches``: the ids of the newest public articles that match, by
   publication time (``published_at``, then id for articles published at the
   same moment), newest first, up to a limit. Its length is the (bounded)
   result count, it is the "Newest first" order, and it is the set of
   articles that ranking considers.
2. ``scored_newest_matches``: the same list with a score for each article:
   title weighs more than standfirst, standfirst more than body. The search
   page sorts by it for "Best match"; ties go to the newer article.
3. ``snippets``: a highlighted extract for each article on the page.

Ranking reads every candidate's index entry, which is what makes full-text
search slow on a large archive when a query matches half of it. So ranking
considers the newest ``limit`` matches (RESULT_LIMIT on the search page)
rather than all of them: exact for any query with fewer matches, and for
very common words it favours recent reporting, which is what a news reader
expects. Ids are not publication order (an archive imported after launch
has high ids and old dates), so "newest" is always decided by
``published_at``.

The index holds every article, public or not: whether an article may be
found is always decided by ``Article.objects.published()`` at query time, so
scheduling, unpublishing and drafts need no index change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from articles.models import Article

from ..query import ParsedQuery

# The Article fields whose text the index holds: saving only other fields
# leaves the index alone.
INDEXED_FIELDS = frozenset({"title", "standfirst", "body_text"})


@dataclass(frozen=True)
class SearchFilters:
    category_id: int | None = None
    published_from: datetime | None = None  # inclusive
    published_before: datetime | None = None  # exclusive

    def apply(self, queryset: QuerySet, *, category: bool = True) -> QuerySet:
        if category and self.category_id is not None:
            queryset = queryset.filter(category_id=self.category_id)
        if self.published_from is not None:
            queryset = queryset.filter(published_at__gte=self.published_from)
        if self.published_before is not None:
            queryset = queryset.filter(published_at__lt=self.published_before)
        return queryset


class SearchBackend:
    # The stemmer that finds the other forms of a searched word in a title,
    # the same as the index's (extracts.TITLE_STEMMERS).
    title_stemming = "porter"

    # -- keeping the index in step ------------------------------------------

    @classmethod
    def index_articles(cls, ids: list[int], using: str) -> None:
        """Bring the index entries of these articles up to date with their stored text."""
        raise NotImplementedError

    @classmethod
    def forget_articles(cls, ids: list[int], using: str) -> None:
        """Drop the entries of these deleted articles; nothing if the entry is in the row."""

    @classmethod
    def indexed_article_ids(cls, using: str) -> set[int]:
        """Ids of the articles that have an index entry; for checks after maintenance."""
        raise NotImplementedError

    @classmethod
    def rebuild_index(
        cls,
        batch_size: int = 1000,
        using: str = DEFAULT_DB_ALIAS,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Re-index every article in batches of ``batch_size`` ids; returns how many.

        Each batch is its own transaction, so readers keep finding every article
        that is not in the batch being written, and writers are never held up long.
        """
        articles = Article.objects.using(using)
        total = articles.count()
        done, last_id = 0, 0
        while True:
            ids = list(
                articles.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            cls._reindex_batch(last_id, ids, using)
            done += len(ids)
            last_id = ids[-1]
            if progress:
                progress(done, total)
        cls._finish_rebuild(last_id, using)
        return done

    @classmethod
    def _reindex_batch(cls, after_id: int, ids: list[int], using: str) -> None:
        """Re-index ``ids``, the articles with the lowest ids above ``after_id``."""
        cls.index_articles(ids, using)

    @classmethod
    def _finish_rebuild(cls, last_id: int, using: str) -> None:
        """After every batch: ``last_id`` is the highest article id re-indexed."""
        connection = connections[using]
        with connection.cursor() as cursor:
            # Fresh planner statistics: without them SQLite may pick the status
            # index over primary keys when fetching a page of results.
            cursor.execute(
                f"ANALYZE {connection.ops.quote_name(Article._meta.db_table)}"
            )

    # -- one search -----------------------------------------------------------

    def __init__(
        self,
        query: ParsedQuery,
        filters: SearchFilters | None = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        if not query.is_searchable:
            raise ValueError("The query has no words to search for.")
        self.query = query
        self.filters = filters or SearchFilters()
        self.using = using

    def public(self, *, category: bool = True) -> QuerySet:
        """The public articles the search may find, with the filters applied."""
        return self.filters.apply(
            Article.objects.using(self.using).published(), category=category
        )

    def newest_matches(self, limit: int) -> list[int]:
        raise NotImplementedError

    def scored_newest_matches(self, limit: int) -> list[tuple[int, float]]:
        """``newest_matches`` with how well each matches: higher is better."""
        raise NotImplementedError

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Raw (standfirst, body) extracts with highlight markers, by article id."""
        raise NotImplementedError
