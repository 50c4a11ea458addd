"""Each change refreshes exactly the pages that show it; every other page stays cached.

Two articles in different categories, with their own tag and author, and the
pages around them are rendered and stored; then one change is made, and each
page says whether it came from the cache (X-Cache: hit) or was rendered again
(miss).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Category
from comments.models import Comment
from comments.moderation import decide
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_section,
    make_staff_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The pages that show article A (category C1, tag Harbour, author U1) on a
# list, and those that show only article B (C2, Rail, U2).
A_LISTS = {"front", "c1", "harbour", "u1", "latest", "c1-feed", "sitemap", "search"}
B_ONLY = {"b", "c2", "rail", "u2", "c2-feed"}


@dataclass
class Site:
    a: Article
    b: Article
    pages: dict[str, str]


@pytest.fixture
def site() -> Site:
    c1, c2 = make_category(slug="coast"), make_category(slug="inland")
    u1, u2 = make_author(slug="ua"), make_author(slug="ub")
    a = make_article(category=c1, authors=[u1], tags=["Harbour"], title="Quay works")
    b = make_article(category=c2, authors=[u2], tags=["Rail"], title="Line opens")
    pages = {
        "front": reverse("articles:home"),
        "c1": c1.get_absolute_url(),
        "c2": c2.get_absolute_url(),
        "harbour": reverse("articles:tag", args=["harbour"]),
        "rail": reverse("articles:tag", args=["rail"]),
        "u1": u1.get_absolute_url(),
        "u2": u2.get_absolute_url(),
        "a": a.get_absolute_url(),
        "b": b.get_absolute_url(),
        "latest": reverse("feeds:latest"),
        "c1-feed": reverse("feeds:category", args=["coast"]),
        "c2-feed": reverse("feeds:category", args=["inland"]),
        "sitemap": reverse("sitemap-section", kwargs={"section": "articles"}),
        "search": reverse("articles:search") + "?q=works",
    }
    return Site(a, b, pages)


def _stored(anon, site: Site) -> None:
    for name, url in site.pages.items():
        assert anon.get(url).status_code == 200, name
        assert anon.get(url)["X-Cache"] == "hit", name


def _rendered_again(anon, site: Site) -> set[str]:
    """The pages not served from the cache now (rendered again, or gone)."""
    answers = {name: anon.get(url) for name, url in site.pages.items()}
    return {name for name, r in answers.items() if r.get("X-Cache") != "hit"}


def test_editing_an_article_refreshes_its_page_and_its_lists_only(anon, site):
    _stored(anon, site)
    site.a.title = "Quay works finished"
    site.a.save()
    assert _rendered_again(anon, site) == A_LISTS | {"a"}
    assert "Quay works finished" in anon.get(site.pages["c1"]).content.decode()


def test_editing_a_section_refreshes_the_same_pages(anon, site):
    section = site.a.sections.get()
    _stored(anon, site)
    section.body = "A corrected paragraph."
    section.save()
    assert _rendered_again(anon, site) == A_LISTS | {"a"}
    assert "A corrected paragraph." in anon.get(site.pages["a"]).content.decode()


def test_publishing_refreshes_the_lists_it_joins_and_its_neighbours(anon, site):
    draft = make_article(
        category=site.a.category,
        authors=[site.a.authors.get()],
        tags=["Harbour"],
        status=Article.Status.DRAFT,
        published_at=None,
        title="Ferry returns",
    )
    _stored(anon, site)
    draft.status = Article.Status.PUBLISHED
    draft.save()
    # A's page shows its next story in the category: the new one.
    assert _rendered_again(anon, site) == A_LISTS | {"a"}
    html = anon.get(site.pages["a"]).content.decode()
    assert "Ferry returns" in html
    assert "Ferry returns" in anon.get(site.pages["front"]).content.decode()


def test_unpublishing_removes_the_article_from_its_page_and_lists(anon, site):
    _stored(anon, site)
    site.a.status = Article.Status.DRAFT
    site.a.save()
    assert _rendered_again(anon, site) == A_LISTS | {"a"}
    assert anon.get(site.pages["a"]).status_code == 404
    assert "Quay works" not in anon.get(site.pages["front"]).content.decode()


def test_moving_an_article_refreshes_both_categories(anon, site):
    _stored(anon, site)
    site.a.category = site.b.category
    site.a.save()
    # The old address now redirects; B's page has a new neighbour.
    expected = A_LISTS | {"a", "b", "c2", "c2-feed"}
    assert _rendered_again(anon, site) == expected


def test_removing_a_tag_or_a_byline_refreshes_the_list_it_left(anon, site):
    _stored(anon, site)
    Byline.objects.get(article=site.a).delete()
    assert _rendered_again(anon, site) == A_LISTS | {"a"}
    _stored(anon, site)
    site.a.tags.remove("Harbour")
    # Its former author's page no longer lists it.
    assert _rendered_again(anon, site) == A_LISTS - {"u1"} | {"a"}
    assert anon.get(site.pages["harbour"]).status_code == 404  # no article left


def test_saving_a_draft_refreshes_nothing(anon, site):
    draft = make_article(
        category=site.a.category, status=Article.Status.DRAFT, published_at=None
    )
    _stored(anon, site)
    draft.title = "Still a draft"
    draft.save()
    make_section(draft, body="More draft text.")
    assert _rendered_again(anon, site) == set()


def test_a_scheduled_article_refreshes_its_lists_when_it_goes_live(
    anon, site, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 60 * 60
    now = timezone.now()
    make_article(
        category=site.a.category,
        tags=["Harbour"],
        authors=[site.a.authors.get()],
        published_at=now + timedelta(minutes=30),
        title="Embargoed report",
    )
    with time_machine.travel(now, tick=False) as clock:
        _stored(anon, site)
        clock.shift(timedelta(minutes=31))  # no save: its time comes
        assert _rendered_again(anon, site) == A_LISTS | {"a"}
        assert "Embargoed report" in anon.get(site.pages["u1"]).content.decode()
        # Handled once: the next requests are served from the cache.
        assert _rendered_again(anon, site) == set()


def test_approving_a_comment_refreshes_the_pages_showing_its_count(anon, site):
    held = make_comment(site.a, status=Comment.Status.PENDING, body="Long overdue.")
    _stored(anon, site)
    decide(held, Comment.Status.APPROVED, by=make_staff_user())
    # Its article, and the lists whose cards count its comments; feeds,
    # sitemaps and search show no counts.
    assert _rendered_again(anon, site) == {"a", "front", "c1", "harbour", "u1"}
    assert "Long overdue." in anon.get(site.pages["a"]).content.decode()


def test_an_authors_biography_refreshes_their_page_and_a_rename_every_page(anon, site):
    author = site.a.authors.get()
    _stored(anon, site)
    author.bio = "Covers the coast."
    author.save()
    assert _rendered_again(anon, site) == {"u1", "sitemap"}
    _stored(anon, site)
    author.name = "Renamed Reporter"
    author.save()
    assert _rendered_again(anon, site) == set(site.pages)


def test_any_change_to_a_category_refreshes_every_page(anon, site):
    # Categories are in the menu on every page.
    _stored(anon, site)
    Category.objects.get(pk=site.b.category_id).save()
    assert _rendered_again(anon, site) == set(site.pages)
