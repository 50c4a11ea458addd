"""A page number past the last page of results: a 404 that links to the last page."""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.articles.search.test_search import make_story
from tests.factories import make_category

SEARCH = reverse("articles:search")
LAST_PAGE_LINK = "Go to the last page of results"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append((self._href, ""))

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def link_to(html: str, text: str) -> dict[str, list[str]] | None:
    """The query of the search link whose text starts with ``text``, if there is one."""
    parser = _Links()
    parser.feed(html)
    for href, link_text in parser.links:
        if link_text.startswith(text):
            address = urlsplit(href)
            assert address.path in ("", SEARCH)
            return parse_qs(address.query, keep_blank_values=True)
    return None


@pytest.fixture
def storms(db):
    """23 public articles about storms: three pages of results."""
    now = timezone.now()
    for n in range(23):
        make_story(
            title=f"Storm {n:02}",
            body="Storm.",
            published_at=now - timedelta(hours=n + 1),
        )


@pytest.mark.parametrize("page", ["4", "5", "51", "501", "999999"])
def test_search_page_past_the_results_is_a_404_linking_to_the_last_page(
    anon, storms, page
):
    response = anon.get(SEARCH, {"q": "storm", "page": page})

    html = response.content.decode()
    assert response.status_code == 404
    assert "We can’t find that page" in html
    assert f"There is no page {page} of the results for “storm”" in html
    assert "they end on page 3." in html
    assert link_to(html, LAST_PAGE_LINK) == {"q": ["storm"], "page": ["3"]}
    assert 'class="card"' not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"].startswith("private")


@pytest.mark.django_db
def test_search_page_past_the_results_keeps_the_filters_in_the_link(anon):
    sport = make_category(name="Sport", slug="sport")
    now = timezone.now()
    for n in range(12):
        make_story(
            title=f"Match {n}",
            body="Referendum on the stadium.",
            category=sport,
            published_at=now - timedelta(days=n + 1),
        )
    make_story(title="Elsewhere", body="Referendum.")
    params = {
        "q": '"referendum" stadium',
        "category": "sport",
        "from": "2000-01-01",
        "to": (now + timedelta(days=2)).date().isoformat(),
        "sort": "newest",
    }

    response = anon.get(SEARCH, {**params, "page": "7"})

    html = response.content.decode()
    assert response.status_code == 404
    assert (
        "There is no page 7 of the results for &quot;referendum&quot; stadium"
        " with these filters: they end on page 2." in html
    )
    assert link_to(html, LAST_PAGE_LINK) == {
        **{name: [value] for name, value in params.items()},
        "page": ["2"],
    }
    last = anon.get(SEARCH, {**params, "page": "2"})
    assert last.status_code == 200
    assert last.content.decode().count('class="card"') == 2


@pytest.mark.django_db
def test_search_page_past_a_single_page_of_results_links_to_it(anon):
    make_story(title="Harbour", body="Harbour.")

    response = anon.get(SEARCH, {"q": "harbour", "page": "2"})

    html = response.content.decode()
    assert response.status_code == 404
    assert "they all fit on one page." in html
    # The first page's address has no page number, as in the page links.
    assert link_to(html, LAST_PAGE_LINK) == {"q": ["harbour"]}


@pytest.mark.django_db
def test_search_page_past_no_results_links_back_to_the_search(anon):
    response = anon.get(SEARCH, {"q": "zeppelin", "page": "2"})

    html = response.content.decode()
    assert response.status_code == 404
    assert "No articles match “zeppelin”, so there is no page 2 of results." in html
    assert link_to(html, "Go back to the search") == {"q": ["zeppelin"]}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", "١", "99999999999"])
def test_search_page_answers_a_malformed_page_with_the_plain_404(anon, storms, page):
    response = anon.get(SEARCH, {"q": "storm", "page": page})

    html = response.content.decode()
    assert response.status_code == 404
    assert "The address may be mistyped, or the page may have moved." in html
    assert link_to(html, LAST_PAGE_LINK) is None


@pytest.mark.django_db
def test_search_page_past_the_results_escapes_the_query(anon):
    response = anon.get(SEARCH, {"q": "<script>alert(1)</script>", "page": "9"})

    html = response.content.decode()
    assert response.status_code == 404
    assert "<script>alert(1)" not in html
    assert "No articles match “&lt;script&gt;alert(1)&lt;/script&gt;”" in html


@pytest.mark.django_db
def test_search_page_past_the_results_reads_no_result(
    anon, django_assert_max_num_queries
):
    for n in range(3):
        make_story(title=f"Harvest {n}", standfirst="Harvest.", body="Harvest.")

    # 1 next scheduled article (page cache), 2 categories for the filter,
    # 3 how many match (SQLite only), 4 newest matches, 5 their scores
    # (SQLite only), 6 navigation. No cards, no snippets.
    with django_assert_max_num_queries(6 if connection.vendor == "sqlite" else 4):
        response = anon.get(SEARCH, {"q": "harvest", "page": "2"})

    assert response.status_code == 404
    assert link_to(response.content.decode(), LAST_PAGE_LINK) == {"q": ["harvest"]}
