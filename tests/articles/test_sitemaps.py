from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as django_views
from django.contrib.sites.requests import RequestSite
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import SITEMAPS, ArticleSitemap
from tests.articles.xmlcheck import (
    assert_lastmod,
    parse_w3c,
    sitemap_entries,
    xml_root,
)
from tests.factories import make_article, make_author, make_category

NOW = datetime(2031, 6, 1, 12, 0, tzinfo=UTC)
SECTIONS = ("articles", "categories", "tags", "authors")


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def archive(db) -> dict:
    """Public articles changed at known moments, and hidden ones sharing their labels."""
    with at(NOW - timedelta(days=20)):
        world = make_category(name="World", slug="world")
        politics = make_category(name="Politics", slug="politics")
        make_category(name="Empty", slug="empty")
        ada = make_author(name="Ada", slug="ada")
        ghost = make_author(name="Ghost", slug="ghost")
    with at(NOW - timedelta(days=10)):
        edited = make_article(
            category=world,
            authors=[ada],
            tags=["Peace talks"],
            published_at=NOW - timedelta(days=10),
        )
    with at(NOW - timedelta(days=2)):
        edited.standfirst = "Corrected standfirst."
        edited.save()
    with at(NOW - timedelta(days=5)):
        # Scheduled five days ago, live since yesterday: it changed when it went live.
        went_live = make_article(
            category=world,
            authors=[ada],
            tags=["Peace talks", "Harbours"],
            published_at=NOW - timedelta(days=1),
        )
        make_article(
            status=Article.Status.DRAFT,
            category=politics,
            authors=[ghost],
            tags=["Embargo"],
        )
        make_article(
            category=politics,
            authors=[ghost],
            tags=["Embargo"],
            published_at=NOW + timedelta(hours=1),
        )
    with at(NOW):
        yield {"world": world, "ada": ada, "edited": edited, "went_live": went_live}


def section_entries(client, section: str, query: str = "") -> dict[str, str | None]:
    response = client.get(f"/sitemap-{section}.xml{query}")
    return dict(sitemap_entries(response))


def test_sitemap_index_lists_every_section(anon, archive):
    response = anon.get("/sitemap.xml")

    entries = dict(sitemap_entries(response, kind="sitemapindex"))
    assert sorted(entries) == sorted(
        f"http://testserver/sitemap-{section}.xml" for section in SECTIONS
    )
    for lastmod in entries.values():
        assert_lastmod(lastmod, NOW - timedelta(days=1))


def test_article_sitemap_lists_public_articles_with_their_last_change(anon, archive):
    entries = section_entries(anon, "articles")

    edited, went_live = archive["edited"], archive["went_live"]
    assert sorted(entries) == sorted(
        "http://testserver" + a.get_absolute_url() for a in (edited, went_live)
    )
    assert_lastmod(
        entries["http://testserver" + edited.get_absolute_url()],
        NOW - timedelta(days=2),
    )
    assert_lastmod(
        entries["http://testserver" + went_live.get_absolute_url()],
        NOW - timedelta(days=1),
    )


def test_label_sitemaps_list_only_what_has_public_articles(anon, archive):
    assert list(section_entries(anon, "categories")) == ["http://testserver/world/"]
    assert sorted(section_entries(anon, "tags")) == [
        "http://testserver/tags/harbours/",
        "http://testserver/tags/peace-talks/",
    ]
    assert list(section_entries(anon, "authors")) == ["http://testserver/authors/ada/"]
    for section in ("categories", "tags", "authors"):
        for lastmod in section_entries(anon, section).values():
            assert_lastmod(lastmod, NOW - timedelta(days=1))


def test_label_lastmod_is_its_own_change_when_later(anon, archive):
    with at(NOW - timedelta(hours=12)):
        archive["world"].description = "News from everywhere."
        archive["world"].save()
    with at(NOW - timedelta(hours=6)):
        archive["ada"].bio = "Now on the foreign desk."
        archive["ada"].save()
    cache.clear()

    (category_lastmod,) = section_entries(anon, "categories").values()
    (author_lastmod,) = section_entries(anon, "authors").values()
    assert_lastmod(category_lastmod, NOW - timedelta(hours=12))
    assert_lastmod(author_lastmod, NOW - timedelta(hours=6))


def test_every_sitemap_address_answers(anon, archive):
    make_article(category=archive["world"], tags=["Q&A", "C++ & co", "100%"])
    cache.clear()

    for section in SECTIONS:
        for loc in section_entries(anon, section):
            assert anon.get(urlsplit(loc).path).status_code == 200, loc


def test_sitemaps_use_the_configured_base_url(anon, archive, settings):
    settings.NEWSROOM_BASE_URL = "https://news.example"

    for section in SECTIONS:
        for loc in section_entries(anon, section):
            assert loc.startswith("https://news.example/"), loc


def test_article_sitemap_splits_into_pages(anon, archive, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 1)

    index = dict(sitemap_entries(anon.get("/sitemap.xml"), kind="sitemapindex"))
    first = section_entries(anon, "articles")
    second = section_entries(anon, "articles", "?p=2")

    assert "http://testserver/sitemap-articles.xml" in index
    assert "http://testserver/sitemap-articles.xml?p=2" in index
    assert "http://testserver/sitemap-articles.xml?p=3" not in index
    assert len(first) == len(second) == 1
    assert set(first) | set(second) == {
        "http://testserver" + archive["edited"].get_absolute_url(),
        "http://testserver" + archive["went_live"].get_absolute_url(),
    }
    assert anon.get("/sitemap-articles.xml?p=3").status_code == 404


@pytest.mark.parametrize(
    "address",
    [
        "/sitemap-articles.xml?p=abc",
        "/sitemap-articles.xml?p=0",
        "/sitemap-articles.xml?p=-1",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=99999999999999999999",
        "/sitemap-articles.xml?p=1.5",
        "/sitemap-articles.xml?p=1e3",
        "/sitemap-articles.xml?p=",
        "/sitemap-tags.xml?p=%E2%80%AE",
        "/sitemap-authors.xml?p=" + "9" * 5000,
        "/sitemap-nothing.xml",
        "/sitemap-%E2%80%AE.xml",
        "/sitemap-" + "a" * 3000 + ".xml",
    ],
)
def test_odd_sitemap_addresses_are_404(anon, archive, address):
    assert anon.get(address).status_code == 404


@pytest.mark.parametrize("section", SECTIONS)
def test_sitemap_query_count_does_not_grow_with_rows(
    anon, db, django_assert_max_num_queries, section
):
    """At most: count, rows, and the page cache's next scheduled article."""

    def publish(count: int) -> None:
        # Each article brings its own category, author and tag: every section grows.
        for n in range(count):
            make_article(
                authors=[make_author()], tags=[f"Topic {count}-{n}"], sections=0
            )

    publish(3)
    with django_assert_max_num_queries(3) as few:
        assert len(section_entries(anon, section)) == 3
    publish(27)
    cache.clear()
    with django_assert_max_num_queries(3) as many:
        assert len(section_entries(anon, section)) == 30

    assert len(many) == len(few)


def test_sitemap_index_query_count_does_not_grow(
    anon, db, django_assert_max_num_queries
):
    make_article()
    with django_assert_max_num_queries(9) as few:
        anon.get("/sitemap.xml")
    for _ in range(20):
        make_article(tags=["Shared"], authors=[make_author()], sections=0)
    cache.clear()
    with django_assert_max_num_queries(9) as many:
        anon.get("/sitemap.xml")

    assert len(many) == len(few)


# The site writes sitemaps by hand for speed (see articles/sitemaps.py); these
# tests hold it to what django.contrib.sitemaps writes for the same articles.


class ModelArticleSitemap(Sitemap):
    """Public articles as model instances: django.contrib.sitemaps' usual diet."""

    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .order_by("published_at", "id")
        )

    def lastmod(self, article: Article):
        return article.last_changed_at


def django_sitemap(view, **kwargs):
    """A response from one of django.contrib.sitemaps' views, rendered."""
    response = view(RequestFactory().get("/"), **kwargs)
    return response.render()


def shape(response) -> tuple[str, list[list[str]]]:
    """The root element and the child elements of each entry, in order."""
    root = xml_root(response)
    return root.tag, [[child.tag for child in entry] for entry in root]


def on_dates(entries: list[tuple[str, str | None]]) -> list[tuple[str, object]]:
    """(loc, date of lastmod): Django's sitemap template writes only the date."""
    dated = []
    for loc, lastmod in entries:
        stated = parse_w3c(lastmod)
        if isinstance(stated, datetime):
            stated = timezone.localtime(stated).date()
        dated.append((loc, stated))
    return dated


@pytest.fixture
def odd_labels(archive) -> dict:
    """Tags whose slugs the fast path cannot fill in: it falls back to reverse()."""
    make_article(
        category=archive["world"],
        tags=["Q&A", "C++ & co", "100%", "Zürich", "Київ"],
        published_at=NOW - timedelta(hours=3),
    )
    return archive


@pytest.mark.parametrize("section", SECTIONS)
def test_writer_matches_django_sitemaps_for_each_section(anon, odd_labels, section):
    ours = anon.get(f"/sitemap-{section}.xml")
    django = django_sitemap(django_views.sitemap, sitemaps=SITEMAPS, section=section)

    assert ours.status_code == django.status_code == 200
    assert shape(ours) == shape(django)
    assert shape(ours)[1], "an empty sitemap proves nothing"
    ours_entries = sitemap_entries(ours)
    assert on_dates(ours_entries) == on_dates(sitemap_entries(django))


def test_article_writer_matches_a_model_instance_sitemap(anon, odd_labels):
    ours = anon.get("/sitemap-articles.xml")
    django = django_sitemap(
        django_views.sitemap,
        sitemaps={"articles": ModelArticleSitemap},
        section="articles",
    )

    ours_entries = sitemap_entries(ours)
    assert shape(ours) == shape(django)
    assert on_dates(ours_entries) == on_dates(sitemap_entries(django))
    # To the second, before Django's template keeps only the date.
    reference = ModelArticleSitemap().get_urls(
        site=RequestSite(RequestFactory().get("/")), protocol="http"
    )
    assert [(url["location"], url["lastmod"]) for url in reference] == [
        (loc, parse_w3c(lastmod)) for loc, lastmod in ours_entries
    ]
    assert len(ours_entries) == 3


def test_index_matches_django_sitemaps(anon, odd_labels, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)  # the articles take two pages

    ours = anon.get("/sitemap.xml")
    django = django_sitemap(
        django_views.index, sitemaps=SITEMAPS, sitemap_url_name="sitemap-section"
    )

    assert shape(ours) == shape(django)
    ours_entries = sitemap_entries(ours, kind="sitemapindex")
    django_entries = sitemap_entries(django, kind="sitemapindex")
    assert [(loc, parse_w3c(lastmod)) for loc, lastmod in ours_entries] == [
        (loc, parse_w3c(lastmod)) for loc, lastmod in django_entries
    ]
    assert "http://testserver/sitemap-articles.xml?p=2" in dict(ours_entries)
