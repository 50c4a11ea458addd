"""The search page: /search/?q=…&category=…&from=…&to=…&sort=…&page=…"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from newsroom.caching import public_page

from .models import Article, Category
from .pagination import paginate
from .search_backends import (
    SearchBackend,
    SearchFilters,
    backend_for,
    best_first,
    has_highlight,
    highlight,
    strip_marks,
)
from .search_query import MAX_QUERY_CHARS, MAX_TERMS, ParsedQuery, parse_query

PER_PAGE = 10
# Readers can page through this many results: the newest matches of a query
# by publication time, ranked or newest first. Counts stop here ("More than
# 500 results"). Ranking reads every candidate's index entry, so this bounds
# the work a common word causes.
RESULT_LIMIT = 500
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_MESSAGES = {
    "invalid": "Enter the date as year-month-day, e.g. 2024-05-31.",
    "min_value": "Choose a date between 1900 and 2100.",
    "max_value": "Choose a date between 1900 and 2100.",
}


class Sort(models.TextChoices):
    RELEVANCE = "relevance", "Best match"
    NEWEST = "newest", "Newest first"


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[
            MinValueValidator(EARLIEST_DATE),
            MaxValueValidator(LATEST_DATE),
        ],
        error_messages=DATE_MESSAGES,
    )


class SearchForm(forms.Form):
    """Validates the filters; the query text itself is never invalid (see parse_query)."""

    q = forms.CharField(required=False, strip=False)
    category = forms.ChoiceField(
        required=False,
        error_messages={
            "invalid_choice": "There is no category “%(value)s”. Choose one from the list."
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=Sort.choices,
        error_messages={
            "invalid_choice": "Results can only be sorted by “Best match” or "
            "“Newest first”. Choose one from the list."
        },
    )

    def __init__(self, data, categories: list[Category]) -> None:
        super().__init__(data)
        self.fields["category"].choices = [("", "All categories")] + [
            (category.slug, category.name) for category in categories
        ]
        # "from" is a keyword, so these two cannot be class attributes.
        self.fields["from"] = _date_field("Published from")
        self.fields["to"] = _date_field("Published until")
        self._categories = {category.slug: category for category in categories}

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError(
                "The “from” date is after the “to” date.", code="date_order"
            )
        return cleaned

    def filters(self) -> SearchFilters:
        zone = ZoneInfo(settings.NEWSROOM_TIME_ZONE)
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        category = self._categories.get(self.cleaned_data.get("category") or "")
        return SearchFilters(
            category_id=category.pk if category else None,
            # Dates are the newsroom's days, inclusive at both ends.
            published_from=datetime.combine(start, time.min, zone) if start else None,
            published_before=(
                datetime.combine(end + timedelta(days=1), time.min, zone)
                if end
                else None
            ),
        )

    @property
    def sort_order(self) -> Sort:
        return Sort(self.cleaned_data.get("sort") or Sort.RELEVANCE)

    @property
    def has_filters(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("category") or data.get("from") or data.get("to"))


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
            article.search_snippet = _snippet(article, *extracts.get(pk, ("", "")))
            page.append(article)
        return page


def _snippet(
    article: Article, standfirst_extract: str, body_extract: str
) -> SafeString:
    """The body extract where the words were found, else the standfirst."""
    if has_highlight(body_extract):
        return highlight(body_extract)
    if has_highlight(standfirst_extract):
        return highlight(standfirst_extract)
    return highlight(strip_marks(article.summary) or body_extract or "")


def _result_count_text(results: SearchResults) -> str:
    count = results.count()
    if results.is_capped:
        return f"More than {count:,} results"
    return "1 result" if count == 1 else f"{count:,} results"


@public_page(query=("q", "category", "from", "to", "sort", "page"))
def search(request: HttpRequest) -> HttpResponse:
    categories = list(Category.objects.only("name", "slug"))
    form = SearchForm(request.GET, categories)
    context: dict = {
        "form": form,
        "categories": categories,
        "query": "",
        "max_query_chars": MAX_QUERY_CHARS,
        # Only a value from the list can match an option, so any value is safe here.
        "selected_category": request.GET.get("category", ""),
        "sort_choices": Sort.choices,
        "selected_sort": request.GET.get("sort") or Sort.RELEVANCE,
    }
    status = 200
    if not form.is_valid():
        status = 400
        context["query"] = parse_query(request.GET.get("q", "")).text
    else:
        parsed: ParsedQuery = parse_query(form.cleaned_data["q"])
        context["query"] = parsed.text
        if parsed.is_searchable:
            results = SearchResults(
                backend_for(parsed, form.filters()), form.sort_order
            )
            page = paginate(request, results, per_page=PER_PAGE)
            context.update(
                searched=True,
                page=page,
                result_count_text=_result_count_text(results),
                has_filters=form.has_filters,
                truncated_to=MAX_TERMS if parsed.truncated else None,
            )
        elif parsed.excluded:
            context["prompt"] = (
                "Add a word to search for: a minus sign only leaves out "
                "articles that contain the word after it."
            )
        elif parsed.text:
            context["prompt"] = (
                "Enter a word to search for. Quotation marks, a minus sign and OR "
                "only work together with words."
            )
    response = render(request, "articles/search.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
