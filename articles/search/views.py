"""The search page: /search/?q=…&category=…&from=…&to=…&sort=…&page=…"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsroom.caching import public_page

from .. import fragments
from ..models import Article
from ..page_tags import SEARCH
from ..pagination import page_number
from .backends import SearchBackend, backend_for
from .extracts import mark_title, snippet
from .forms import SearchForm, Sort
from .query import MAX_TERMS, quoted

PER_PAGE = 10
# Readers can page through this many results: the newest matches of a query
# by publication time, ranked or newest first. Counts stop here ("More than
# 500 results"). Ranking reads every candidate's index entry, so this bounds
# the work a common word causes.
RESULT_LIMIT = 500
# A page number past the results, up to this one (the longest page_number()
# reads), is answered with a link to their last page. MAX_PAGE, which keeps
# list pages from skipping millions of rows, does not apply: results stop at
# RESULT_LIMIT, so a deep page number costs no more than the first.
LARGEST_PAGE_NUMBER = 999_999


def best_first(scored: list[tuple[int, float]]) -> list[int]:
    """The ids of ``scored`` (newest first) by score; equal scores keep the newer first."""
    order = sorted(range(len(scored)), key=lambda i: (-scored[i][1], i))
    return [scored[i][0] for i in order]


class SearchResults:
    """The public articles for one search, in the chosen order, computed as the paginator asks."""

    def __init__(self, backend: SearchBackend, sort: Sort = Sort.RELEVANCE) -> None:
        self.backend = backend
        self.sort = sort
        self._matches: list[int] | None = None
        self._ordered: list[int] = []

    def _load(self) -> None:
        if self._matches is not None:
            return
        # One more than the limit tells "500 results" from "more than 500".
        if self.sort == Sort.NEWEST:
            self._matches = self.backend.newest_matches(RESULT_LIMIT + 1)
            self._ordered = self._matches[:RESULT_LIMIT]
        else:
            scored = self.backend.scored_newest_matches(RESULT_LIMIT + 1)
            self._matches = [pk for pk, _score in scored]
            self._ordered = best_first(scored[:RESULT_LIMIT])

    @property
    def matches(self) -> list[int]:
        """The newest matches, newest first: at most one more than RESULT_LIMIT."""
        self._load()
        return self._matches

    def count(self) -> int:
        return min(len(self.matches), RESULT_LIMIT)

    @property
    def is_capped(self) -> bool:
        return len(self.matches) > RESULT_LIMIT

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Article]:
        if not isinstance(key, slice):
            raise TypeError("Search results are read a page at a time.")
        self._load()
        ids = self._ordered[key]
        articles = Article.objects.for_cards().in_bulk(ids)
        extracts = self.backend.snippets(ids)
        page = []
        for pk in ids:
            article = articles.get(pk)
            if article is None:  # unpublished between the two queries
                continue
            article.search_title = mark_title(
                article.title, self.backend.query, self.backend.title_stemming
            )
            article.search_snippet = snippet(
                article.summary, *extracts.get(pk, ("", ""))
            )
            page.append(article)
        return page


def _result_count_text(results: SearchResults) -> str:
    count = results.count()
    if results.is_capped:
        return f"More than {count:,} results"
    return "1 result" if count == 1 else f"{count:,} results"


def _outcome(request: HttpRequest, form: SearchForm) -> dict:
    """What a valid search shows: a page of results, or what to type instead.

    A page number past the results gives ``last_page`` instead of a page.
    """
    parsed = form.query
    if parsed.is_searchable:
        # A malformed page number is a 404 before anything is searched.
        number = page_number(request, maximum=LARGEST_PAGE_NUMBER)
        results = SearchResults(backend_for(parsed, form.filters()), form.sort_order)
        paginator = Paginator(results, PER_PAGE, allow_empty_first_page=True)
        outcome = {
            "searched": True,
            "result_count_text": _result_count_text(results),
            "has_filters": form.has_filters,
        }
        if number > paginator.num_pages:
            return {
                **outcome,
                "number": number,
                "last_page": paginator.num_pages,
                "result_count": paginator.count,
            }
        return {
            **outcome,
            "page": paginator.page(number),
            "truncated_to": MAX_TERMS if parsed.truncated else None,
        }
    if parsed.excluded:
        return {
            "prompt": "Add a word to search for: a minus sign only leaves out "
            "articles that contain the word after it."
        }
    if parsed.text:
        return {
            "prompt": "Enter a word to search for. Quotation marks, a minus sign "
            "and OR only work together with words."
        }
    return {}


@public_page(query=("q", "category", "from", "to", "sort", "page"), tags=(SEARCH,))
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET, request)
    is_valid = form.is_valid()
    # The query is shown back even when the filters are refused.
    query = form.query.text
    context = {"form": form, "query": query, "quoted_query": quoted(query)}
    template, status = "articles/search.html", 200 if is_valid else 400
    if is_valid:
        context.update(_outcome(request, form))
    if "last_page" in context:
        # Django's 404 page cannot say where the results end: this one can.
        template, status = "articles/search/past_the_results.html", 404
    # The header, the footer, and what a result shows besides the words
    # searched for are kept with the cards of the list pages.
    page = context.get("page")
    stored = fragments.card_fragments(request, page.object_list if page else [])
    context["stored_fragments"] = stored
    response = render(request, template, context, status=status)
    stored.save()
    response["X-Robots-Tag"] = "noindex"
    return response
