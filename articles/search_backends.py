"""Running a parsed search against the database: SQLite FTS5 or PostgreSQL.

Both backends answer the same three questions, so the search page behaves
the same on either database:

1. ``newest_matches``: the ids of the newest public articles that match,
   newest first, up to a limit. Its length is the (bounded) result count,
   and it is the set of articles that ranking considers.
2. ``ranked_ids``: one page of that set, best first. Title weighs more than
   standfirst, standfirst more than body; ties go to the newer article.
3. ``snippets``: a highlighted extract for each article on the page.

Ranking reads every candidate's index entry, which is what makes full-text
search slow on a large archive when a query matches half of it. So ranking
considers the newest ``limit`` matches (500 on the search page) rather than
all of them: exact for any query with fewer matches, and for very common
words it favours recent reporting, which is what a news reader expects.

Whether an article may be found is always decided by
``Article.objects.published()`` at query time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .search_index import FTS_TABLE, SEARCH_CONFIG
from .search_query import ParsedQuery, Term, fts5_expression

# Private-use characters mark highlights inside the database's output. The
# text is escaped first and the markers become <mark> afterwards, so nothing
# stored in an article is ever trusted as HTML.
MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
ELLIPSIS = "…"

# bm25() weights of the FTS5 columns (title, dek, body).
FTS_WEIGHTS = (10.0, 5.0, 1.0)
# ts_rank() weights for D, C, B, A: body is C, standfirst B, title A.
PG_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SNIPPET_WORDS = 28


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


def highlight(raw: str) -> SafeString:
    """Escape database output, then turn the highlight markers into <mark> elements."""
    html = _MARKED.sub(r"<mark>\1</mark>", str(escape(" ".join(raw.split()))))
    return mark_safe(html.replace(MARK_START, "").replace(MARK_END, ""))


def has_highlight(raw: str | None) -> bool:
    return bool(raw) and MARK_START in raw


class SearchBackend:
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

    def public(self) -> QuerySet:
        from .models import Article

        return self.filters.apply(Article.objects.using(self.using).published())

    def newest_matches(self, limit: int) -> list[int]:
        raise NotImplementedError

    def ranked_ids(self, candidates: list[int], offset: int, limit: int) -> list[int]:
        raise NotImplementedError

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Raw (standfirst, body) extracts with highlight markers, by article id."""
        raise NotImplementedError


class SQLiteBackend(SearchBackend):
    """FTS5: the virtual table drives every query, joined to the public articles."""

    def _public_sql(self) -> tuple[str, tuple]:
        """SQL for the public articles the search may find, and its parameters."""
        from .models import Article

        # The visibility rules come from published() itself, compiled to SQL,
        # so the two can never disagree. No ordering: SQLite then flattens
        # the subquery into a plain join.
        public = self.filters.apply(
            Article.objects.using(self.using).published(), category=False
        )
        return public.order_by().values("id", "published_at").query.sql_with_params()

    def _category_sql(self) -> tuple[str, tuple]:
        """A condition on the FTS rowid for the category filter, if there is one."""
        from .models import Article

        if self.filters.category_id is None:
            return "", ()
        # category_id sits after the long body text in each row, so checking
        # it on the joined article reads overflow pages for every match; a
        # set of ids from its index is tested before any article is read.
        in_category = (
            Article.objects.using(self.using)
            .filter(category_id=self.filters.category_id)
            .order_by()
            .values("id")
        )
        sql, params = in_category.query.sql_with_params()
        # "+rowid": an IN list pushed into FTS5 would re-run the search per id.
        return f" AND +{FTS_TABLE}.rowid IN ({sql})", params

    def _run(self, sql: str, params: list) -> list[tuple]:
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _from_public_matches(self, extra_where: str = "") -> tuple[str, list]:
        """FROM and WHERE for the public matches, with their parameters."""
        public_sql, public_params = self._public_sql()
        category_sql, category_params = self._category_sql()
        # CROSS JOIN keeps the FTS table as the outer loop: SQLite would
        # otherwise walk the articles and run the full-text query once per row.
        sql = (
            f" FROM {FTS_TABLE} CROSS JOIN ({public_sql}) AS public"
            f" ON public.id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH %s{category_sql}{extra_where}"
        )
        params = [*public_params, fts5_expression(self.query), *category_params]
        return sql, params

    def newest_matches(self, limit: int) -> list[int]:
        from_sql, params = self._from_public_matches()
        sql = f"SELECT {FTS_TABLE}.rowid{from_sql} ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s"
        return [row[0] for row in self._run(sql, [*params, limit])]

    def ranked_ids(self, candidates: list[int], offset: int, limit: int) -> list[int]:
        if not candidates:
            return []
        # Candidates are the newest matches, so "at least the oldest
        # candidate's id" selects exactly them, and FTS5 uses it as a range.
        from_sql, params = self._from_public_matches(f" AND {FTS_TABLE}.rowid >= %s")
        sql = (
            f"SELECT {FTS_TABLE}.rowid{from_sql}"
            f" ORDER BY bm25({FTS_TABLE}, %s, %s, %s),"
            " public.published_at DESC, public.id DESC LIMIT %s OFFSET %s"
        )
        params = [*params, min(candidates), *FTS_WEIGHTS, limit, offset]
        return [row[0] for row in self._run(sql, params)]

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        # The rowid range lets FTS5 seek once; "+rowid" keeps the id list out
        # of the FTS5 query plan, where it would re-run the search per id.
        sql = (
            f"SELECT rowid,"
            f" snippet({FTS_TABLE}, 1, %s, %s, %s, %s),"
            f" snippet({FTS_TABLE}, 2, %s, %s, %s, %s)"
            f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            f" AND rowid BETWEEN %s AND %s AND +rowid IN ({placeholders})"
        )
        marks = [MARK_START, MARK_END, ELLIPSIS, SNIPPET_WORDS]
        params = [
            *marks,
            *marks,
            fts5_expression(self.query),
            min(ids),
            max(ids),
            *ids,
        ]
        return {row[0]: (row[1], row[2]) for row in self._run(sql, params)}


class PostgresBackend(SearchBackend):
    """django.contrib.postgres: the GIN-indexed search_vector, ts_rank and ts_headline."""

    def _term(self, term: Term) -> SearchQuery:
        return SearchQuery(
            term.text,
            config=SEARCH_CONFIG,
            search_type="phrase" if term.is_phrase else "plain",
        )

    def _either(self, terms: tuple[Term, ...]) -> SearchQuery:
        combined = self._term(terms[0])
        for term in terms[1:]:
            combined = combined | self._term(term)
        return combined

    def search_query(self) -> SearchQuery:
        combined = None
        for group in self.query.groups:
            either = self._either(group)
            combined = either if combined is None else combined & either
        for term in self.query.excluded:
            combined = combined & ~self._term(term)
        return combined

    def newest_matches(self, limit: int) -> list[int]:
        return list(
            self.public()
            .filter(search_vector=self.search_query())
            .order_by("-id")
            .values_list("id", flat=True)[:limit]
        )

    def ranked_ids(self, candidates: list[int], offset: int, limit: int) -> list[int]:
        from .models import Article

        if not candidates:
            return []
        rank = SearchRank(F("search_vector"), self.search_query(), weights=PG_WEIGHTS)
        return list(
            Article.objects.using(self.using)
            .filter(pk__in=candidates)
            .annotate(rank=rank)
            .order_by("-rank", "-published_at", "-id")
            .values_list("id", flat=True)[offset : offset + limit]
        )

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        from .models import Article

        if not ids:
            return {}
        query = self.search_query()
        marks = {
            "config": SEARCH_CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_END,
        }
        rows = (
            Article.objects.using(self.using)
            .filter(pk__in=ids)
            .annotate(
                dek_extract=SearchHeadline("dek", query, highlight_all=True, **marks),
                body_extract=SearchHeadline(
                    "body_text",
                    query,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=f'" {ELLIPSIS} "',
                    **marks,
                ),
            )
            .values_list("id", "dek_extract", "body_extract")
        )
        return {pk: (dek, body) for pk, dek, body in rows}


def backend_for(
    query: ParsedQuery,
    filters: SearchFilters | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> SearchBackend:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return PostgresBackend(query, filters, using)
    if vendor == "sqlite":
        return SQLiteBackend(query, filters, using)
    raise NotImplementedError(f"Search does not support the {vendor} database.")
