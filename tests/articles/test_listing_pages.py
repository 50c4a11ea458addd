from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.pagination import PER_PAGE
from articles.templatetags.articles_tags import time_tag
from newsroom.caching.pages import page_key
from tests.factories import make_article, make_author, make_category
from tests.pages import elements, json_ld_blocks

pytestmark = pytest.mark.django_db


def test_front_page_leads_with_the_newest_story_and_groups_by_category(anon):
    world = make_category(name="World", slug="world", position=1)
    science = make_category(name="Science", slug="science", position=2)
    older = [
        make_article(category=world, published_at=timezone.now() - timedelta(days=d))
        for d in range(2, 12)
    ]
    science_story = make_article(
        category=science, published_at=timezone.now() - timedelta(days=20)
    )
    newest = make_article(category=world, title="The newest story")

    html = anon.get(reverse("articles:home")).content.decode()

    assert html.index("The newest story") < html.index(older[0].title)
    assert science_story.title in html  # too old for the top, shown under its category
    assert 'id="front-science"' in html
    assert newest.title in html


def test_front_page_hides_unpublished_work(anon):
    category = make_category()
    make_article(category=category, title="Public marker zebra")
    make_article(category=category, title="Draft marker walrus", status="draft")
    make_article(category=category, title="Review marker otter", status="review")
    make_article(
        category=category,
        title="Scheduled marker heron",
        published_at=timezone.now() + timedelta(hours=1),
    )
    html = anon.get("/").content.decode()
    assert "Public marker zebra" in html
    for hidden in ("walrus", "otter", "heron"):
        assert hidden not in html


def test_front_page_without_articles_is_friendly(anon):
    response = anon.get("/")
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()


def test_category_page_lists_its_articles_newest_first(anon):
    category = make_category(name="Politics", description="Parliament and parties.")
    first = make_article(category=category, published_at=timezone.now() - timedelta(2))
    second = make_article(category=category, published_at=timezone.now() - timedelta(1))
    elsewhere = make_article()

    response = anon.get(category.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Parliament and parties." in html
    assert html.index(second.title) < html.index(first.title)
    assert elsewhere.title not in html


def test_category_page_paginates_and_refuses_bad_pages(anon):
    category = make_category()
    Article.objects.bulk_create(
        Article(
            category=category,
            title=f"Bulk story {n:03}",
            slug=f"bulk-{n}",
            status="published",
            published_at=timezone.now() - timedelta(minutes=n),
        )
        for n in range(PER_PAGE + 5)
    )
    url = category.get_absolute_url()
    page_two = anon.get(url, {"page": 2}).content.decode()
    assert "Bulk story 024" in page_two and "Bulk story 000" not in page_two
    assert "Page 2 of 2" in page_two
    for bad in ("3", "0", "-1", "abc", "1.5", "9" * 30, "²", ""):
        assert anon.get(url, {"page": bad}).status_code == 404, bad


def test_tag_page_lists_public_articles_with_the_tag(anon):
    tagged = make_article(tags=["Elections"])
    make_article(tags=["Elections"], status="draft", title="Secret draft title")
    response = anon.get(reverse("articles:tag", args=["elections"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert tagged.title in html and "Secret draft title" not in html


def test_tag_used_only_by_drafts_is_not_revealed(anon):
    make_article(tags=["Embargoed topic"], status="draft")
    assert (
        anon.get(reverse("articles:tag", args=["embargoed-topic"])).status_code == 404
    )


def test_author_page_shows_bio_and_their_articles(anon):
    author = make_author(name="Lena Park", bio="Covers science.", role="Science editor")
    theirs = make_article(authors=[author])
    other = make_article()
    html = anon.get(author.get_absolute_url()).content.decode()
    assert (
        "Lena Park" in html and "Covers science." in html and "Science editor" in html
    )
    assert theirs.title in html and other.title not in html


@pytest.mark.parametrize("count", [3, 30])
def test_list_page_query_counts_do_not_grow(anon, django_assert_max_num_queries, count):
    category = make_category()
    author = make_author()
    for _ in range(count):
        make_article(category=category, authors=[author, make_author()], tags=["Same"])
    # Every page: navigation categories and the next scheduled time (both cached,
    # so only on a cold cache). The front page adds top stories, then the
    # per-category window; a list page adds its object, the page count and the
    # articles with their category. Cards rendered afresh add one query for
    # their bylines with authors; every page one for the comment counts.
    checks = [
        ("/", 6),
        (category.get_absolute_url(), 7),
        (reverse("articles:tag", args=["same"]), 7),
        (author.get_absolute_url(), 7),
    ]
    for url, limit in checks:
        with django_assert_max_num_queries(limit):
            assert anon.get(url).status_code == 200
    # Rendered again (stored pages forgotten): the ids on the page and its count
    # are kept, so the articles are read by id; the cards are stored fragments,
    # so no bylines. The front page: articles, comment counts; a list page:
    # its object, articles, comment counts.
    for url, _ in checks:
        cache.delete(page_key(RequestFactory().get(url)))
        with django_assert_max_num_queries(2 if url == "/" else 3):
            assert anon.get(url).status_code == 200


def test_tags_with_non_ascii_slugs_have_pages_and_feeds(anon):
    article = make_article(tags=["Zürich", "Київ"])
    html = anon.get(article.get_absolute_url()).content.decode()
    for name in ("Zürich", "Київ"):
        tag = article.tags.get(name=name)
        url = reverse("articles:tag", args=[tag.slug])
        assert url in html
        response = anon.get(url)
        assert response.status_code == 200
        assert article.title in response.content.decode()
        assert anon.get(reverse("feeds:tag", args=[tag.slug])).status_code == 200


def test_list_pages_have_a_breadcrumb_trail_and_their_own_share_tags(anon):
    author = make_author(name="Lena Park", bio="Covers science.")
    category = make_category(
        name="Science", slug="science", description="Labs and space."
    )
    make_article(category=category, authors=[author], tags=["Space"])
    pages = {
        category.get_absolute_url(): ("Science", "Labs and space."),
        reverse("articles:tag", args=["space"]): ("Space", "Articles about Space"),
        author.get_absolute_url(): ("Lena Park", "Covers science."),
    }
    for url, (name, description) in pages.items():
        html = anon.get(url, {"utm_campaign": "x"}).content.decode()
        crumbs = json_ld_blocks(html)["BreadcrumbList"]["itemListElement"]
        assert [c["name"] for c in crumbs] == ["Home", name]
        assert crumbs[-1]["item"] == "http://testserver" + url
        assert f'<span aria-current="page">{name}</span>' in html
        assert elements(html, "meta", property="og:title", content=name)
        assert elements(html, "meta", property="og:description", content=description)
        assert elements(
            html, "meta", property="og:url", content="http://testserver" + url
        )
        share = elements(html, "meta", property="og:image")[0]["content"]
        assert share == "http://testserver/static/img/share.png"


def test_base_url_setting_governs_canonical_addresses(anon, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example.org"
    category = make_category()
    make_article(category=category)
    html = anon.get(category.get_absolute_url()).content.decode()
    canonical = "https://news.example.org" + category.get_absolute_url()
    assert elements(html, "link", rel="canonical", href=canonical)
    assert elements(html, "meta", property="og:url", content=canonical)


def test_tags_made_only_of_emoji_or_punctuation_have_pages(anon):
    article = make_article(tags=["😀", "!!!", "—"])
    response = anon.get(article.get_absolute_url())
    assert response.status_code == 200
    for tag in article.tags.all():
        assert tag.slug.startswith("topic-")
        assert anon.get(reverse("articles:tag", args=[tag.slug])).status_code == 200


def test_dates_at_the_edge_of_the_calendar_still_render():
    earliest = datetime.min.replace(tzinfo=UTC)
    assert 'datetime="0001-01-01T00:00+00:00"' in time_tag(earliest)
