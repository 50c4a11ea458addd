"""Full-text search of the articles: the /search/ page and the index behind it.

    views.py       the search page, and SearchResults: a search's results, a page at a time
    forms.py       SearchForm: the query box, filters and order; the dates search accepts
    query.py       parse_query(): what readers type, as words, phrases, OR and exclusions
    extracts.py    the highlighted extract under each result (plain Python)
    backends/      per database: keeping the index in step, searching, making extracts;
                   backends/__init__.py picks SQLite (FTS5) or PostgreSQL for a connection
    index.py       re-indexes articles as they are saved and deleted (connected by
                   ArticlesConfig.ready())

After writes that bypass Article.save() (bulk_create, QuerySet.update of the
title or standfirst, loaddata), run ``manage.py rebuild_search_index``.
Measurements and the reasoning behind the limits: bench/README.md, "Search".
"""

from .backends import (
    SearchFilters,
    backend_for,
    index_articles,
    indexed_article_ids,
    rebuild_index,
)
from .forms import SearchForm, Sort
from .query import ParsedQuery, parse_query
from .views import SearchResults, search

__all__ = [
    "ParsedQuery",
    "SearchFilters",
    "SearchForm",
    "SearchResults",
    "Sort",
    "backend_for",
    "index_articles",
    "indexed_article_ids",
    "parse_query",
    "rebuild_index",
    "search",
]
