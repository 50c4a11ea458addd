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
from itertools import islice

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Left, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .search_index import (
    FTS_TABLE,
    FTS_TOKENIZER,
    INDEXED_STANDFIRST_CHARS,
    SEARCH_CONFIG,
)
from .search_query import ParsedQuery, Term, fts5_expression

# Private-use characters mark highlights inside the database's output. The
# text is escaped first and the markers become <mark> afterwards, so nothing
# stored in an article is ever trusted as HTML.
MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
ELLIPSIS = "…"

# bm25() weights of the FTS5 columns (title, standfirst, body).
FTS_WEIGHTS = (10.0, 5.0, 1.0)
# ts_rank() weights for D, C, B, A: body is C, standfirst B, title A.
PG_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SNIPPET_WORDS = 28
# PostgreSQL's ts_headline() reads at most this much of a text (about 3,000
# words; a match further on shows the standfirst instead). Its work grows
# faster than the text: 30,000 characters repeating one searched word took
# 1.3 s as a phrase, and a whole text of 200,000 characters over 20 s.
HEADLINE_CHARS = 20_000
# SQLite: extracts are not made by snippet() on the search index. Its work
# grows with the square of the matches in one article (10,000 of one word
# took 0.5 s, 40,000 took 8.8 s, a body of 1 MB repeating it 3.5 minutes),
# and it counts the matches in every column, so a short copy of the body in
# another column would pay for the long one. Instead highlight() marks the
# standfirst and the first EXTRACT_BODY_CHARS of each body of the page (as
# on PostgreSQL) in a temporary table, and the best window is chosen here.
# highlight() grows with the matches times the length of the text it marks:
# 20,000 characters of a repeated one-letter word took 13 ms in one piece,
# 3 ms in pieces of 2,000.
EXTRACT_TABLE = "articles_search_extracts"
EXTRACT_BODY_CHARS = HEADLINE_CHARS
EXTRACT_STANDFIRST_CHARS = INDEXED_STANDFIRST_CHARS
EXTRACT_PIECE_CHARS = 2_000
# An extract is about SNIPPET_WORDS words of news prose, and is chosen from
# the first EXTRACT_MARKS marks of a text.
SNIPPET_CHARS = 180
EXTRACT_MARKS = 100
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


def strip_marks(text: str) -> str:
    """``text`` without the highlight markers: stored text can never fake a highlight."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def _head(text: str, limit: int) -> tuple[str, bool]:
    """The first ``limit`` characters without highlight markers, and whether there are more."""
    return strip_marks(text)[:limit], len(text) > limit


# Where a long text is best cut, searched from its end (so written backwards):
# after a line, after a sentence, after a word, after any other character.
_SENTENCE_END_BACKWARDS = re.compile(r"\s[\"'”’)\]]*[.!?…]")
_BREAKS_BACKWARDS = [
    re.compile(r"\n"),
    _SENTENCE_END_BACKWARDS,
    re.compile(r"\s"),
    re.compile(r"\W"),
]
_SPACE = re.compile(r"\s")


def _last_break(text: str) -> int:
    """How much of ``text`` comes before its best place to cut; 0 if it has none."""
    backwards = text[::-1]
    for pattern in _BREAKS_BACKWARDS:
        found = pattern.search(backwards)
        if found:
            return len(text) - found.start()
    return 0


def split_text(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters that join up to it again.

    A piece ends after a line, a sentence or a word in its second half where
    there is one, so that a phrase is rarely cut in two.
    """
    pieces, start = [], 0
    while len(text) - start > size:
        half = start + size // 2
        end = half + _last_break(text[half : start + size])
        if end == half:
            end = start + size
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


_Mark = tuple[int, int, str]  # where a mark starts and ends in the text, its word


def _is_inside_mark(text: str, position: int) -> bool:
    return text.rfind(MARK_START, 0, position) > text.rfind(MARK_END, 0, position)


def _words_within(marks: list[_Mark], i: int, end: int) -> tuple[int, int]:
    """From ``marks[i]`` on, the marks that end by ``end``: how many, and how many words."""
    k = i
    while k < len(marks) and marks[k][1] <= end:
        k += 1
    return k - i, len({word for _start, _end, word in marks[i:k]})


def _best_marks(marks: list[_Mark]) -> tuple[int, int]:
    """The first mark of the best window, and how many marks it holds.

    As FTS5's snippet() scores a window: each different word 1,000, each
    repeat 1; the earlier window wins a tie.
    """
    best = (0, 0, 0)  # score, first mark, marks
    window: dict[str, int] = {}  # how often each word is marked in marks[i:k]
    k = 0
    for i, (start, _end, word) in enumerate(marks):
        while k < len(marks) and (k == i or marks[k][1] <= start + SNIPPET_CHARS):
            window[marks[k][2]] = window.get(marks[k][2], 0) + 1
            k += 1
        score = 1000 * len(window) + (k - i) - len(window)
        if score > best[0]:
            best = (score, i, k - i)
        window[word] -= 1
        if not window[word]:
            del window[word]
    return best[1], best[2]


def _sentence_start(text: str, first: int) -> int | None:
    """Where the sentence holding ``first`` begins, if close enough to show both."""
    earliest = max(0, first - SNIPPET_CHARS)
    before = text[earliest:first]
    starts = [earliest + before.rfind("\n") + 1] if "\n" in before else []
    found = _SENTENCE_END_BACKWARDS.search(before[::-1])
    if found:
        starts.append(first - found.start())
    if not starts:
        return 0 if earliest == 0 else None
    start = max(starts)
    while start < first and text[start].isspace():
        start += 1
    return None if _is_inside_mark(text, start) else start


def _centred_start(text: str, first: int, last: int) -> int:
    """Where a window centred on ``text[first:last]`` begins, at a whole word if it can."""
    start = max(0, first - max(0, SNIPPET_CHARS - (last - first)) // 2)
    start = max(0, min(start, len(text) - SNIPPET_CHARS))
    if _is_inside_mark(text, start):
        start = text.find(MARK_END, start) + 1
    space = _SPACE.search(text, start, first)
    if start > 0 and not text[start - 1].isspace() and space:
        start = space.end()
    return start


def _window_end(text: str, start: int, last: int) -> int:
    """Where a window from ``start`` that shows ``text[:last]`` ends: after a word, not in a mark."""
    end = max(last, start + SNIPPET_CHARS)
    if end >= len(text):
        return len(text)
    space = _SPACE.search(text[last : end + 1][::-1])
    if space:
        end -= space.start()
    if _is_inside_mark(text, end):
        end = text.rfind(MARK_START, 0, end)
    return end


def best_extract(marked: str, is_cut: bool = False) -> str:
    """About SNIPPET_CHARS characters of ``marked``, where the most different words are marked.

    Like FTS5's snippet(), the window starts at the beginning of a sentence if
    that shows as many of the words, otherwise it is centred on the matches;
    without marks, it is the opening. Ellipses show where the text goes on.
    Only the first EXTRACT_MARKS marks are considered.
    """
    marks = [
        (found.start(), found.end(), found.group(1).casefold())
        for found in islice(_MARKED.finditer(marked), EXTRACT_MARKS)
    ]
    start = last = 0
    if marks:
        i, count = _best_marks(marks)
        words = len({word for _start, _end, word in marks[i : i + count]})
        first, last = marks[i][0], marks[i + count - 1][1]
        start = _centred_start(marked, first, last)
        sentence = _sentence_start(marked, first)
        if sentence is not None:
            shown, shown_words = _words_within(marks, i, sentence + SNIPPET_CHARS)
            if shown and shown_words == words:
                start, last = sentence, marks[i + shown - 1][1]
    end = _window_end(marked, start, last)
    before = ELLIPSIS if marked[:start].strip() else ""
    after = ELLIPSIS if is_cut or marked[end:].strip() else ""
    return f"{before}{marked[start:end].strip()}{after}"


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
            # One statement: FTS5 writes its index once per transaction, and
            # a transaction per row made filling the table four times slower.
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
        from .models import Article

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
            standfirst, standfirst_is_cut = _head(
                standfirst_head, EXTRACT_STANDFIRST_CHARS
            )
            body, body_is_cut = _head(body_head, EXTRACT_BODY_CHARS)
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


def _stored_text(field: str) -> Replace:
    """The part of a text field that ts_headline() reads, without highlight markers."""
    head = Left(field, HEADLINE_CHARS)
    return Replace(Replace(head, Value(MARK_START)), Value(MARK_END))


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
                standfirst_extract=SearchHeadline(
                    _stored_text("standfirst"), query, highlight_all=True, **marks
                ),
                body_extract=SearchHeadline(
                    _stored_text("body_text"),
                    query,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=f'" {ELLIPSIS} "',
                    **marks,
                ),
            )
            .values_list("id", "standfirst_extract", "body_extract")
        )
        return {pk: (standfirst, body) for pk, standfirst, body in rows}


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
