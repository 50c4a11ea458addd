"""Running a parsed search against the database: SQLite FTS5 or PostgreSQL.

Both backends answer the same three questions, so the search page behaves
the same on either database:

1. ``newest_matches``: the ids of the newest public articles that match, by
   publication time (``published_at``, then id for articles published at the
   same moment), newest first, up to a limit. Its length is the (bounded)
   result count, it is the "Newest first" order, and it is the set of
   articles that ranking considers.
2. ``scored_newest_matches``: the same list with a score for each article:
   title weighs more than standfirst, standfirst more than body.
   ``best_first`` turns it into the "Best match" order; ties go to the newer
   article.
3. ``snippets``: a highlighted extract for each article on the page.

Ranking reads every candidate's index entry, which is what makes full-text
search slow on a large archive when a query matches half of it. So ranking
considers the newest ``limit`` matches (500 on the search page) rather than
all of them: exact for any query with fewer matches, and for very common
words it favours recent reporting, which is what a news reader expects.
Ids are not publication order (an archive imported after launch has high
ids and old dates), so "newest" is always decided by ``published_at``.

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
from django.db.models.functions import Left
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
# PostgreSQL's ts_headline() reads at most this much of a text (about 3,000
# words; a match further on shows the standfirst instead). Its work grows
# faster than the text: 30,000 characters repeating one searched word took
# 1.3 s as a phrase, and a whole text of 200,000 characters over 20 s.
HEADLINE_CHARS = 20_000
# SQLite: with at least this many full-text matches (in the category, if one
# is chosen), the newest are found by walking the publication-time index and
# probing the set of matches; with fewer, by looking up each match's
# publication time. Each lookup reads an article row (3-8 µs), each index
# step is far cheaper (about 0.3 µs), and the walk is short only when
# matches are dense: around 2,000 matches of 100,000 articles the two cost
# the same, about 10 ms.
INDEX_WALK_FROM = 2000


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


def best_first(scored: list[tuple[int, float]]) -> list[int]:
    """The ids of ``scored`` (newest first) by score; equal scores keep the newer first."""
    order = sorted(range(len(scored)), key=lambda i: (-scored[i][1], i))
    return [scored[i][0] for i in order]


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

    def scored_newest_matches(self, limit: int) -> list[tuple[int, float]]:
        """``newest_matches`` with how well each matches: higher is better."""
        raise NotImplementedError

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Raw (standfirst, body) extracts with highlight markers, by article id."""
        raise NotImplementedError


class SQLiteBackend(SearchBackend):
    """FTS5: a virtual table whose rowid is the article id, queried next to the articles."""

    def _public_sql(self, *, category: bool) -> tuple[str, tuple]:
        """SQL for the public articles the search may find, and its parameters."""
        from .models import Article

        # The visibility rules come from published() itself, compiled to SQL,
        # so the two can never disagree. No ordering: SQLite then flattens
        # the subquery into the query around it.
        public = self.filters.apply(
            Article.objects.using(self.using).published(), category=category
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

    def _match_count(self, ceiling: int) -> int:
        """How many articles match (in the category, if any), counted up to ``ceiling``."""
        category_sql, category_params = self._category_sql()
        sql = (
            f"SELECT count(*) FROM (SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE}"
            f" WHERE {FTS_TABLE} MATCH %s{category_sql} LIMIT %s)"
        )
        params = [fts5_expression(self.query), *category_params, ceiling]
        return self._run(sql, params)[0][0]

    def _newest_by_lookup(self) -> tuple[str, list]:
        """Every match, joined to its public article for the publication time, then sorted."""
        public_sql, public_params = self._public_sql(category=False)
        category_sql, category_params = self._category_sql()
        # CROSS JOIN keeps the FTS table as the outer loop: SQLite would
        # otherwise walk the articles and run the full-text query once per row.
        sql = (
            f"SELECT public.id FROM {FTS_TABLE} CROSS JOIN ({public_sql}) AS public"
            f" ON public.id = {FTS_TABLE}.rowid"
            f" WHERE {FTS_TABLE} MATCH %s{category_sql}"
            " ORDER BY public.published_at DESC, public.id DESC LIMIT %s"
        )
        params = [*public_params, fts5_expression(self.query), *category_params]
        return sql, params

    def _newest_by_index_walk(self) -> tuple[str, list]:
        """The public articles newest first, from the publication-time index, kept if they match."""
        public_sql, public_params = self._public_sql(category=True)
        # The (category,) status, published_at index yields the articles in
        # order without reading a row; the matches are read once into a
        # temporary set that each one is looked up in. "+" stops SQLite from
        # turning the IN into a row lookup per match, which loses the order.
        sql = (
            f"SELECT public.id FROM ({public_sql}) AS public"
            f" WHERE +public.id IN (SELECT rowid FROM {FTS_TABLE}"
            f" WHERE {FTS_TABLE} MATCH %s)"
            " ORDER BY public.published_at DESC, public.id DESC LIMIT %s"
        )
        return sql, [*public_params, fts5_expression(self.query)]

    def newest_matches(self, limit: int) -> list[int]:
        if self._match_count(INDEX_WALK_FROM) >= INDEX_WALK_FROM:
            sql, params = self._newest_by_index_walk()
        else:
            sql, params = self._newest_by_lookup()
        return [row[0] for row in self._run(sql, [*params, limit])]

    def scored_newest_matches(self, limit: int) -> list[tuple[int, float]]:
        ids = self.newest_matches(limit)
        if not ids:
            return []
        placeholders = ", ".join(["%s"] * len(ids))
        # The rowid range lets FTS5 seek once; "+rowid" keeps the id list out
        # of the FTS5 query plan, where it would re-run the search per id.
        sql = (
            f"SELECT rowid, bm25({FTS_TABLE}, %s, %s, %s) FROM {FTS_TABLE}"
            f" WHERE {FTS_TABLE} MATCH %s"
            f" AND rowid BETWEEN %s AND %s AND +rowid IN ({placeholders})"
        )
        params = [*FTS_WEIGHTS, fts5_expression(self.query), min(ids), max(ids), *ids]
        # bm25() is lower for a better match.
        scores = {pk: -score for pk, score in self._run(sql, params)}
        # An article whose index entry went away in between comes last.
        return [(pk, scores.get(pk, float("-inf"))) for pk in ids]

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        # One rowid range for FTS5 to seek to, and "+rowid" as above.
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

    def highlight_query(self) -> SearchQuery:
        """The words to mark in extracts: each phrase as its words, no exclusions.

        ts_headline() checks a phrase again at every place one of its words
        occurs, which is slow on a text that repeats the word; marking the
        words costs a few milliseconds at most.
        """
        combined = None
        for group in self.query.groups:
            either = None
            for term in group:
                words = SearchQuery(term.text, config=SEARCH_CONFIG)
                either = words if either is None else either | words
            combined = either if combined is None else combined & either
        return combined

    def search_query(self) -> SearchQuery:
        combined = None
        for group in self.query.groups:
            either = self._either(group)
            combined = either if combined is None else combined & either
        for term in self.query.excluded:
            combined = combined & ~self._term(term)
        return combined

    def _newest(self, limit: int) -> QuerySet:
        # The planner chooses: when matches are dense, it walks the
        # (category,) status, published_at index newest first and tests each
        # article's vector until it has enough; when they are sparse, it
        # reads them all from the GIN index and keeps the newest. Its
        # statistics on the vector's words tell it which.
        return (
            self.public()
            .filter(search_vector=self.search_query())
            .order_by("-published_at", "-id")
            .values("id")[:limit]
        )

    def newest_matches(self, limit: int) -> list[int]:
        return [row["id"] for row in self._newest(limit)]

    def scored_newest_matches(self, limit: int) -> list[tuple[int, float]]:
        from .models import Article

        # One query: ts_rank() runs only for the newest matches, and no list
        # of ids makes the round trip.
        rank = SearchRank(F("search_vector"), self.search_query(), weights=PG_WEIGHTS)
        return list(
            Article.objects.using(self.using)
            .filter(pk__in=self._newest(limit))
            .annotate(rank=rank)
            .order_by("-published_at", "-id")
            .values_list("id", "rank")
        )

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        from .models import Article

        if not ids:
            return {}
        query = self.highlight_query()
        marks = {
            "config": SEARCH_CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_END,
        }
        rows = (
            Article.objects.using(self.using)
            .filter(pk__in=ids)
            .annotate(
                dek_extract=SearchHeadline(
                    Left("dek", HEADLINE_CHARS), query, highlight_all=True, **marks
                ),
                body_extract=SearchHeadline(
                    Left("body_text", HEADLINE_CHARS),
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
