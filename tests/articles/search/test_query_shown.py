"""The query as the results page shows it back: as typed, quoted once."""

import pytest
from django.urls import reverse

from articles.search.query import quoted
from tests.articles.search.test_search import make_story


def search(client, query: str) -> str:
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("peace talks", "“peace talks”"),
        ('"peace talks"', '"peace talks"'),
        ('"peace talks" resume', '"peace talks" resume'),
        ('resume "peace talks"', 'resume "peace talks"'),
        ('"unclosed phrase', '"unclosed phrase'),
        ("“peace talks”", "“peace talks”"),
        ("«pourparlers de paix»", "«pourparlers de paix»"),
        ("'peace talks'", "'peace talks'"),
        ('election -"world cup" vote', '“election -"world cup" vote”'),
    ],
)
def test_quoted_adds_quotation_marks_only_to_a_query_without_its_own(text, shown):
    assert quoted(text) == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ('"peace talks"', "Results for &quot;peace talks&quot;"),
        ('"peace talks" Geneva', "Results for &quot;peace talks&quot; Geneva"),
        ("peace talks", "Results for “peace talks”"),
        ("“peace talks”", "Results for “peace talks”"),
    ],
)
def test_search_heading_shows_the_query_in_one_pair_of_quotes(anon, query, heading):
    make_story(title="Geneva", body="The peace talks resumed in Geneva.")

    html = search(anon, query)

    assert f"<h1>{heading}</h1>" in html
    assert "“&quot;" not in html
    assert "““" not in html


@pytest.mark.django_db
def test_search_page_says_a_phrase_matched_nothing_without_doubled_quotes(anon):
    make_story(title="Something else")

    html = search(anon, '"zeppelin raid"')

    assert "No articles match &quot;zeppelin raid&quot;." in html
    assert "“&quot;" not in html


@pytest.mark.django_db
def test_search_heading_escapes_a_quoted_query(anon):
    html = search(anon, '"<script>alert(1)</script>"')

    assert "<script>alert(1)" not in html
    assert (
        "<h1>Results for &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</h1>" in html
    )
