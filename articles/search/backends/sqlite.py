"""SQLite: an FTS5 table beside the articles, with Porter stemming.

The FTS5 table FTS_TABLE (created by migrations 0002 and 0006) has one row
per article, its rowid the article id, and holds all of the title,
standfirst and body text. It is a separate table, so deleting an article
must remove its row too. The search runs next to the articles in one query;
extracts are marked in a small temporary FTS5 table with the same tokenizer.
"""

from __future__ import annotations

from django.db import connections, transaction

from articles.models import Article

from ..extracts import (
    EXTRACT_BODY_CHARS,
    MARK_END,
    MARK_START,
    best_extract,
    head,
    split_text,
)
from ..query import ParsedQuery, Term
from .base import SearchBackend

FTS_TABLE = "articles_search"
# The tokenizer the migrations gave the FTS5 index: Porter stemming on top of
# unicode61, and "cafe" finds "café". Search extracts are marked with it too.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
# bm25() weights of the FTS5 columns (title, standfirst, body).
FTS_WEIGHTS = (10.0, 5.0, 1.0)
# With at least this many full-text matches (in the category, if one is
# chosen), the newest are found by walking the publication-time index and
# probing the set of matches; with fewer, by looking up each match's
# publication time. Each lookup reads an article row, while an index step
# reads none, but the walk is short only when matches are dense; this is
# about where the two cost the same (measured: bench/README.md, "Search").
INDEX_WALK_FROM = 2000
# Extracts are not made by snippet() on the search index. Its work grows
# with the square of the matches in one article, and it counts the matches
# in every column, so a short copy of the body in another column would pay
# for the long one. Instead highlight() marks the standfirst and the first
# EXTRACT_BODY_CHARS of each body of the page in a temporary table, and the
# best window is chosen in Python (extracts.best_extract). highlight() grows
# with the matches times the length of the text it marks, so bodies are
# marked in pieces of EXTRACT_PIECE_CHARS.
EXTRACT_TABLE = "articles_search_extracts"
EXTRACT_STANDFIRST_CHARS = 2_000  # the form allows 400
EXTRACT_PIECE_CHARS = 2_000


def fts5_expression(query: ParsedQuery) -> str:
    """The query in SQLite FTS5 syntax: every term a quoted string, so no user text is syntax."""

    def string(term: Term) -> str:
        return '"' + term.text.replace('"', '""') + '"'

    def either(terms: tuple[Term, ...]) -> str:
        if len(terms) == 1:
            return string(terms[0])
        return "(" + " OR ".join(string(t) for t in terms) + ")"

    expression = " AND ".join(either(group) for group in query.groups)
    if query.excluded:
        expression = f"({expression}) NOT {either(query.excluded)}"
    return expression


def _fts_replace_sql(where: str) -> str:
    return (
        f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, body) "
        f"SELECT id, title, standfirst, body_text FROM {Article._meta.db_table}"
        f" WHERE {where}"
    )


class SQLiteBackend(SearchBackend):
    """FTS5: a virtual table whose rowid is the article id, queried next to the articles."""

    # -- keeping the index in step ------------------------------------------

    @classmethod
    def index_articles(cls, ids: list[int], using: str) -> None:
        placeholders = ", ".join(["%s"] * len(ids))
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", ids
            )
            cursor.execute(_fts_replace_sql(f"id IN ({placeholders})"), ids)

    @classmethod
    def forget_articles(cls, ids: list[int], using: str) -> None:
        placeholders = ", ".join(["%s"] * len(ids))
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", ids
            )

    @classmethod
    def indexed_article_ids(cls, using: str) -> set[int]:
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {FTS_TABLE}")
            return {row[0] for row in cursor.fetchall()}

    @classmethod
    def _reindex_batch(cls, after_id: int, ids: list[int], using: str) -> None:
        # By id range, so rows of articles deleted behind the application's
        # back within it go too.
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid BETWEEN %s AND %s",
                [after_id + 1, ids[-1]],
            )
            cursor.execute(
                _fts_replace_sql("id BETWEEN %s AND %s"), [after_id + 1, ids[-1]]
            )

    @classmethod
    def _finish_rebuild(cls, last_id: int, using: str) -> None:
        super()._finish_rebuild(last_id, using)
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            # Rows of articles deleted behind the application's back.
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid > %s OR rowid NOT IN "
                f"(SELECT id FROM {Article._meta.db_table})",
                [last_id],
            )
            # Merge the index segments the batches wrote: faster searches.
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")

    # -- one search -----------------------------------------------------------

    def _public_sql(self, *, category: bool) -> tuple[str, tuple]:
        """SQL for the public articles the search may find, and its parameters."""
        # The visibility rules come from published() itself, compiled to SQL,
        # so the two can never disagree. No ordering: SQLite then flattens
        # the subquery into the query around it.
        public = self.public(category=category)
        return public.order_by().values("id", "published_at").query.sql_with_params()

    def _category_sql(self) -> tuple[str, tuple]:
        """A condition on the FTS rowid for the category filter, if there is one."""
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

    def _extract_expression(self) -> str:
        """Every word and phrase searched for, joined by OR: what extracts mark."""
        terms = tuple(term for group in self.query.groups for term in group)
        return fts5_expression(ParsedQuery(text="", groups=(terms,)))

    def _mark(self, rows: list[tuple[int, str, str]]) -> dict[int, tuple[str, str]]:
        """(standfirst, body) with highlight markers, by rowid, for the rows that match.

        The rows go into an FTS5 table with the search index's tokenizer, so
        marking follows the same stemming. It is made afresh for each page in
        the connection's temporary database, which holds one page at most.
        Writing there takes no lock on the site's database; an atomic() block
        around it would (transactions begin IMMEDIATE), so there is none.
        """
        if not rows:
            return {}
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{EXTRACT_TABLE}")
            cursor.execute(
                f"CREATE VIRTUAL TABLE temp.{EXTRACT_TABLE}"
                f" USING fts5(standfirst, body, tokenize = '{FTS_TOKENIZER}')"
            )
            # One statement: FTS5 writes its index once per transaction, so a
            # statement (and transaction) per row is several times slower.
            values = ", ".join(["(%s, %s, %s)"] * len(rows))
            cursor.execute(
                f"INSERT INTO temp.{EXTRACT_TABLE} (rowid, standfirst, body) VALUES {values}",
                [value for row in rows for value in row],
            )
            cursor.execute(
                f"SELECT rowid, highlight({EXTRACT_TABLE}, 0, %s, %s),"
                f" highlight({EXTRACT_TABLE}, 1, %s, %s)"
                f" FROM temp.{EXTRACT_TABLE} WHERE {EXTRACT_TABLE} MATCH %s",
                [MARK_START, MARK_END] * 2 + [self._extract_expression()],
            )
            return {
                rowid: (standfirst, body)
                for rowid, standfirst, body in cursor.fetchall()
            }

    def snippets(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        # One character more than is used tells a cut text from a short one.
        texts = self._run(
            f"SELECT id, substr(standfirst, 1, %s), substr(body_text, 1, %s)"
            f" FROM {Article._meta.db_table} WHERE id IN ({placeholders})",
            [EXTRACT_STANDFIRST_CHARS + 1, EXTRACT_BODY_CHARS + 1, *ids],
        )
        rows: list[tuple[int, str, str]] = []  # rowid, standfirst, piece of body
        owners: list[tuple[int, int]] = []  # article id, piece number; by rowid
        standfirsts: dict[int, tuple[str, bool]] = {}
        bodies: dict[int, tuple[list[str], bool]] = {}
        for pk, standfirst_head, body_head in texts:
            standfirst, standfirst_is_cut = head(
                standfirst_head, EXTRACT_STANDFIRST_CHARS
            )
            body, body_is_cut = head(body_head, EXTRACT_BODY_CHARS)
            pieces = split_text(body, EXTRACT_PIECE_CHARS)
            standfirsts[pk] = (standfirst, standfirst_is_cut)
            bodies[pk] = (pieces, body_is_cut)
            for n, piece in enumerate(pieces):
                rows.append((len(rows), standfirst if n == 0 else "", piece))
                owners.append((pk, n))
        for rowid, (standfirst, piece) in self._mark(rows).items():
            pk, n = owners[rowid]
            if n == 0:
                standfirsts[pk] = (standfirst, standfirsts[pk][1])
            bodies[pk][0][n] = piece
        return {
            pk: (
                best_extract(*standfirsts[pk]),
                best_extract("".join(bodies[pk][0]), bodies[pk][1]),
            )
            for pk in standfirsts
        }
