"""Whatever is typed into the search box, or put in the search page's address,
the query parser gives a query (it has no way to fail) and the page answers,
never with a 500."""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from articles.search.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MAX_WORDS_PER_PHRASE,
    ParsedQuery,
    parse_query,
)
from tests.factories import make_article, make_category, make_section

SEARCH = "/search/"

# The syntax readers use, and what people paste by mistake.
SYNTAX = ['"', "-", '-"', "OR", "AND", "NOT", "&&", "+", "(", ")", "*", ":", "^"]
WORDS = ["harbour", "budget", "schools", "tram", "Veldhaven", "élan", "東京", "مرحبا"]
reader_query = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.one_of(
            st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(max_size=12)
        ),
        max_size=40,
    ).map(" ".join),
)


@given(raw=st.one_of(reader_query, st.text(alphabet=st.characters(codec=None))))
def test_the_query_parser_always_gives_a_bounded_query(raw):
    query = parse_query(raw)

    assert isinstance(query, ParsedQuery)
    assert len(query.text) <= MAX_QUERY_CHARS
    assert query.text == query.text.strip()
    assert not any(ord(char) < 32 for char in query.text)
    terms = [term for group in query.groups for term in group] + list(query.excluded)
    assert len(terms) <= MAX_TERMS
    for term in terms:
        assert 1 <= len(term.words) <= MAX_WORDS_PER_PHRASE
        assert all(word and word == word.lower() for word in term.words)
    assert query.is_searchable == bool(query.groups)
    event("searchable" if query.is_searchable else "nothing to search for")


@pytest.fixture
def newsroom(db):
    """A few published articles, so that searches find something."""
    harbour = make_category(name="Harbour", slug="harbour")
    for n, words in enumerate(
        [
            "Harbour budget passes with more money for schools",
            "Tram line reaches the harbour at last",
            "Veldhaven élan: 東京 visitors and مرحبا signs",
        ]
    ):
        article = make_article(title=words, category=harbour, sections=0)
        make_section(article, heading="", body=f"{words}. Paragraph {n}.")
        article.refresh_derived_text()


def answered(response) -> None:
    # 404: a page number past the last page of results.
    assert response.status_code in (200, 400, 404), response.status_code
    event(f"HTTP {response.status_code}")


@pytest.mark.slow  # a second or more: many requests
@given(
    q=reader_query,
    # Mostly what the page's own links carry, so the queries do reach the search.
    sort=st.one_of(
        st.just(""), st.just("newest"), st.just("relevance"), st.text(max_size=10)
    ),
    page=st.one_of(
        st.just(""), st.just("1"), st.just("1"), st.integers(-5, 10**30).map(str)
    ),
)
def test_the_search_page_answers_any_query(newsroom, client, q, sort, page):
    answered(client.get(SEARCH, {"q": q, "sort": sort, "page": page}))


@pytest.mark.slow  # a second or more: many requests
@given(
    values=st.lists(
        st.tuples(
            st.sampled_from(["q", "category", "from", "to", "sort", "page", "x"]),
            st.binary(max_size=60),
        ),
        max_size=6,
    )
)
def test_the_search_page_answers_any_bytes_in_its_address(newsroom, client, values):
    query = "&".join(f"{quote(name)}={quote_from_bytes(data)}" for name, data in values)
    answered(client.get(f"{SEARCH}?{query}"))
