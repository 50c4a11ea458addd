"""Search results from stored cards: what does not depend on the query is kept, the rest is not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.articles.search.test_search import make_story
from tests.factories import make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered_afresh(settings):
    """Every request renders its page (no stored copy); stored fragments stay."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


def search(client, **params) -> str:
    response = client.get(reverse("articles:search"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def stories():
    science = make_category(name="Science desk")
    return [
        make_story(
            title=f"Harvest festival {n} opens",
            standfirst="Farmers gather.",
            body="The harvest festival drew crowds to the valley.",
            category=science,
        )
        for n in range(3)
    ]


def test_search_page_is_the_same_from_stored_cards(
    anon, stories, rendered_afresh, written
):
    made = search(anon, q="harvest")
    assert any(key.startswith("fragment:card:") for key in written)
    written.clear()
    found = search(anon, q="harvest")
    assert found == made
    assert written == []  # every card and the header and footer were found
    assert found.count('class="card"') == 3
    assert "<mark>Harvest</mark> festival 2 opens" in found
    assert "<mark>harvest</mark> festival drew crowds" in found


def test_stored_cards_are_marked_for_each_query(anon, stories, rendered_afresh):
    search(anon, q="harvest")
    page = search(anon, q="festival")
    assert "Harvest <mark>festival</mark> 0 opens" in page
    assert "<mark>Harvest</mark>" not in page
    assert "harvest <mark>festival</mark> drew crowds" in page


def test_warm_search_page_query_count(
    anon, stories, rendered_afresh, django_assert_num_queries
):
    search(anon, q="harvest")
    # 1 how many match, up to 2,000 (SQLite only), 2 the newest matches
    # (PostgreSQL: with their scores), 3 their scores (SQLite only), 4 the
    # articles of the page with their categories, 5 their texts for the
    # snippets (PostgreSQL: marked; SQLite: then 6 drop the last page's
    # temporary table, 7 make a new one, 8 fill it, 9 mark the words). The
    # header and footer are stored, and so is what the cards show besides the
    # words searched for; the filter's categories are kept with the site's
    # version.
    with django_assert_num_queries(9 if connection.vendor == "sqlite" else 3):
        search(anon, q="harvest")


def test_a_renamed_category_shows_on_stored_search_cards(
    anon, stories, rendered_afresh, django_capture_on_commit_callbacks
):
    assert "Science desk" in search(anon, q="harvest")
    category = stories[0].category
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Research desk"
        category.save()
    page = search(anon, q="harvest")
    assert "Research desk" in page and "Science desk" not in page
    # The filter offers it under its new name too.
    assert ">Research desk</option>" in page


def test_an_edited_article_shows_on_stored_search_cards(
    anon, stories, rendered_afresh, django_capture_on_commit_callbacks
):
    search(anon, q="harvest")
    story = stories[0]
    with django_capture_on_commit_callbacks(execute=True):
        story.slug = "harvest-festival-moved"
        story.title = "Harvest festival 0 moves"
        story.save()
    page = search(anon, q="harvest")
    assert f'href="{story.get_absolute_url()}"' in page
    assert "<mark>Harvest</mark> festival 0 moves" in page
    assert "festival 0 opens" not in page


def test_list_pages_keep_their_cards_beside_the_search_ones(
    anon, stories, rendered_afresh
):
    listing = stories[0].category.get_absolute_url()
    made = anon.get(listing).content.decode()
    search(anon, q="harvest")
    assert anon.get(listing).content.decode() == made
