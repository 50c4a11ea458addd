from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article
from articles.sitemaps import NEWS_LIMIT
from tests.articles.xmlcheck import (
    NEWS_NS,
    SITEMAP_NS,
    parse_w3c,
    sitemap_entries,
    xml_root,
)
from tests.factories import make_article, make_category

NOW = datetime(2031, 9, 9, 6, 0, tzinfo=UTC)
N = {"s": SITEMAP_NS, "n": NEWS_NS}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def news_items(client) -> list[dict]:
    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    sitemap_entries(response)  # a valid sitemap first
    items = []
    for url in xml_root(response).iterfind("s:url", N):
        items.append(
            {
                "loc": url.findtext("s:loc", namespaces=N),
                "name": url.findtext("n:news/n:publication/n:name", namespaces=N),
                "language": url.findtext(
                    "n:news/n:publication/n:language", namespaces=N
                ),
                "date": url.findtext("n:news/n:publication_date", namespaces=N),
                "title": url.findtext("n:news/n:title", namespaces=N),
            }
        )
    return items


def test_news_sitemap_covers_the_last_two_days(anon, db, frozen):
    world = make_category(slug="world")
    fresh = make_article(
        title="Fresh", category=world, published_at=NOW - timedelta(hours=47)
    )
    make_article(title="Stale", category=world, published_at=NOW - timedelta(hours=49))
    make_article(
        title="Scheduled", category=world, published_at=NOW + timedelta(hours=3)
    )
    make_article(title="Draft", category=world, status=Article.Status.DRAFT)

    (item,) = news_items(anon)

    assert item == {
        "loc": "http://testserver" + fresh.get_absolute_url(),
        "name": "Newsroom",
        "language": "en",
        "date": "2031-09-07T07:00:00+00:00",
        "title": "Fresh",
    }
    assert parse_w3c(item["date"]) == fresh.published_at

    frozen.shift(timedelta(hours=2))
    cache.clear()
    assert news_items(anon) == []


def test_news_sitemap_takes_scheduled_articles_when_they_go_live(anon, db, frozen):
    make_article(title="Morning briefing", published_at=NOW + timedelta(minutes=30))
    assert news_items(anon) == []

    frozen.shift(timedelta(minutes=31))

    assert [item["title"] for item in news_items(anon)] == ["Morning briefing"]


def test_news_sitemap_is_well_formed_with_odd_titles(anon, db, frozen):
    make_article(title="Q&A: <b>“Ceasefire”</b> 😀 שלום\x0b\x1f — 'now'")

    (item,) = news_items(anon)

    assert item["title"] == "Q&A: <b>“Ceasefire”</b> 😀 שלום — 'now'"


def test_news_sitemap_holds_at_most_the_newest_thousand(
    anon, db, frozen, django_assert_max_num_queries
):
    category = make_category(slug="world")
    Article.objects.bulk_create(
        Article(
            title=f"Wire story {n}",
            slug=f"wire-story-{n}",
            category=category,
            status=Article.Status.PUBLISHED,
            published_at=NOW - timedelta(minutes=n + 1),
        )
        for n in range(NEWS_LIMIT + 5)
    )

    with django_assert_max_num_queries(2):
        items = news_items(anon)

    assert len(items) == NEWS_LIMIT
    assert items[0]["title"] == "Wire story 0"
    assert items[-1]["title"] == f"Wire story {NEWS_LIMIT - 1}"


def test_robots_txt_points_crawlers_at_the_sitemaps(anon, db):
    response = anon.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in (reverse("admin:index"), "/preview/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines
    assert anon.get("/sitemap.xml").status_code == 200
    assert anon.get("/news-sitemap.xml").status_code == 200


def test_robots_txt_answers_head_and_uses_the_base_url(anon, db, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"

    assert anon.head("/robots.txt").status_code == 200
    body = anon.get("/robots.txt").content.decode()
    assert "Sitemap: https://news.example/sitemap.xml" in body
    assert "Sitemap: https://news.example/news-sitemap.xml" in body
    assert anon.post("/robots.txt").status_code == 405
