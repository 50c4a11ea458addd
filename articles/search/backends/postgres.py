"""PostgreSQL: django.contrib.postgres on ``Article.search_vector``.

The vector weighs the title A, the standfirst B and the body C, with
'english' stemming; migration 0002 gave it a GIN index and keeps it in the
row (STORAGE MAIN) rather than in TOAST, as ranking, phrase checks and the
index walk read it for every candidate. It goes with its row, so deleting an
article needs nothing more.

PostgreSQL refuses a vector whose words and positions take more than 1 MB,
so the index holds the first INDEXED_BODY_CHARS characters of the body (some
30,000 words, far beyond any article) and the first INDEXED_STANDFIRST_CHARS
of the standfirst (the form allows 400).
"""

from __future__ import annotations

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Left, Replace

from articles.models import Article

from ..extracts import ELLIPSIS, EXTRACT_BODY_CHARS, MARK_END, MARK_START
from ..query import Term
from .base import SearchBackend

SEARCH_CONFIG = "english"
# A vector costs up to about 4.5 bytes per character of text (a short word
# used once: its bytes, alignment, a position); this keeps under 1 MB.
INDEXED_BODY_CHARS = 200_000
INDEXED_STANDFIRST_CHARS = 2_000
# ts_rank() weights for D, C, B, A: body is C, standfirst B, title A.
PG_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
SNIPPET_WORDS = 28
# ts_headline() reads at most this much of a text: its work grows faster
# than the text, above all for a phrase whose words repeat.
HEADLINE_CHARS = EXTRACT_BODY_CHARS


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


def _stored_text(field: str) -> Replace:
    """The part of a text field that ts_headline() reads, without highlight markers."""
    head = Left(field, HEADLINE_CHARS)
    return Replace(Replace(head, Value(MARK_START)), Value(MARK_END))


class PostgresBackend(SearchBackend):
    title_stemming = SEARCH_CONFIG  # Snowball's English stemmer, as the index
    """django.contrib.postgres: the GIN-indexed search_vector, ts_rank and ts_headline."""

    # -- keeping the index in step ------------------------------------------

    @classmethod
    def index_articles(cls, ids: list[int], using: str) -> None:
        Article.objects.using(using).filter(pk__in=ids).update(
            search_vector=search_vector_expression()
        )

    @classmethod
    def indexed_article_ids(cls, using: str) -> set[int]:
        return set(
            Article.objects.using(using)
            .exclude(search_vector=None)
            .values_list("pk", flat=True)
        )

    # -- one search -----------------------------------------------------------

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
        words alone stays cheap.
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
