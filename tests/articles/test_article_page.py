from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from newsroom.caching.pages import page_key
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)
from tests.pages import elements, json_ld_blocks, parse_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_article(db):
    author = make_author(name="Maria Fernández")
    article = make_article(
        title="Talks resume in Geneva",
        standfirst="Negotiators return after a month.",
        dateline="Geneva",
        authors=[author, make_author(name="Tom Okafor")],
        tags=["Diplomacy", "Europe"],
        sections=0,
        comment_prompt="Share your thoughts: will the talks succeed?",
    )
    make_section(article, heading="", body="The lead paragraph.", position=1)
    background = make_section(
        article, heading="Background", body="Earlier.", position=2
    )
    make_section(
        article,
        heading="Did you know?",
        kind=Section.Kind.CALLOUT,
        body="Geneva hosted 1954 talks.",
        position=3,
    )
    make_section(
        article, heading="Frequently asked questions", kind=Section.Kind.FAQ, position=4
    )
    make_table(
        article,
        section=background,
        caption="Key players",
        rows=[["Name", "Role"], ["A. Person", "Envoy"], ["B. Person", "Host"]],
    )
    make_faq_item(article, question="When do talks end?", answer="On *Friday*.")
    make_faq_item(article, question="Who attends?", answer="Ten delegations.")
    article.refresh_derived_text()
    return article


def test_article_page_shows_the_structured_article(anon, rich_article):
    response = anon.get(rich_article.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1" in html and "Talks resume in Geneva" in html
    assert "Negotiators return after a month." in html
    assert "Maria Fernández" in html and "Tom Okafor" in html
    assert '<span class="dateline">Geneva</span>' in html
    assert "Share your thoughts: will the talks succeed?" in html
    assert elements(html, "aside", **{"class": "callout"})
    assert "Geneva hosted 1954 talks." in html
    assert len(elements(html, "th", scope="col")) == 2
    assert "<caption" in html and "Key players" in html
    assert "When do talks end?" in html and "<em>Friday</em>" in html
    local = timezone.localtime(rich_article.published_at, ZoneInfo("Europe/London"))
    assert elements(html, "time")[0]["datetime"] == local.isoformat(timespec="minutes")


def test_table_of_contents_links_land_on_sections(anon, rich_article):
    page = parse_page(anon.get(rich_article.get_absolute_url()).content.decode())
    assert page.toc_links == ["background", "frequently-asked-questions"]
    assert set(page.toc_links) <= page.ids


def test_faq_without_its_own_section_closes_the_article(anon):
    article = make_article(sections=2)
    make_faq_item(article, question="Is this last?", answer="Yes.")
    page = parse_page(anon.get(article.get_absolute_url()).content.decode())
    assert page.toc_links[-1] == "faq"
    assert "faq" in page.ids


def test_structured_data_describes_article_and_faq(anon, rich_article):
    html = anon.get(rich_article.get_absolute_url()).content.decode()
    data = json_ld_blocks(html)

    news = data["NewsArticle"]
    assert news["headline"] == "Talks resume in Geneva"
    assert news["datePublished"] == rich_article.published_at.isoformat()
    assert [a["name"] for a in news["author"]] == ["Maria Fernández", "Tom Okafor"]
    assert news["publisher"]["name"]
    assert news["url"] == "http://testserver" + rich_article.get_absolute_url()
    assert "image" not in news
    faq = data["FAQPage"]
    assert [q["name"] for q in faq["mainEntity"]] == [
        "When do talks end?",
        "Who attends?",
    ]
    assert faq["mainEntity"][0]["acceptedAnswer"]["text"] == "On Friday."


def test_head_carries_canonical_and_social_tags(anon, rich_article):
    html = anon.get(rich_article.get_absolute_url()).content.decode()
    url = "http://testserver" + rich_article.get_absolute_url()
    assert elements(html, "link", rel="canonical", href=url)
    assert elements(html, "meta", property="og:title", content="Talks resume in Geneva")
    assert elements(html, "meta", property="og:type", content="article")
    assert elements(html, "meta", name="twitter:card", content="summary")
    assert elements(
        html, "meta", name="description", content="Negotiators return after a month."
    )


def test_markup_in_editor_text_is_escaped(anon):
    article = make_article(
        title="<script>alert(1)</script> & co", standfirst="<b>bold</b>"
    )
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    # Inside JSON-LD the same title cannot close the script element either.
    assert json_ld_blocks(html)["NewsArticle"]["headline"].startswith("<script>")


def test_update_time_shows_only_for_a_later_change(anon):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        updated_at=article.published_at + timedelta(minutes=2)
    )
    assert "Updated" not in anon.get(article.get_absolute_url()).content.decode()
    assert (
        len(elements(anon.get(article.get_absolute_url()).content.decode(), "time"))
        == 1
    )
    Article.objects.filter(pk=article.pk).update(
        updated_at=article.published_at + timedelta(hours=3)
    )
    cache.clear()  # update() sends no signals, so nothing invalidated the page
    assert (
        len(elements(anon.get(article.get_absolute_url()).content.decode(), "time"))
        >= 2
    )


def test_closed_comments_say_so(anon):
    article = make_article(is_commenting_open=False)
    assert (
        "Comments are closed" in anon.get(article.get_absolute_url()).content.decode()
    )


def test_old_slug_answers_with_permanent_redirect(anon):
    article = make_article(slug="first-title")
    old_url = article.get_absolute_url()
    article.slug = "better-title"
    article.save()

    response = anon.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert anon.get(article.get_absolute_url()).status_code == 200


def test_old_address_survives_a_category_move(anon):
    article = make_article()
    old_url = article.get_absolute_url()
    article.category = make_category()
    article.save()
    assert anon.get(old_url)["Location"] == article.get_absolute_url()


def test_old_slug_of_an_unpublished_article_is_not_found(anon):
    article = make_article(slug="first-title")
    old_url = article.get_absolute_url()
    article.slug = "second-title"
    article.status = Article.Status.DRAFT
    article.save()
    assert anon.get(old_url).status_code == 404


def test_scheduled_article_is_hidden_until_its_time(anon):
    article = make_article(published_at=timezone.now() + timedelta(hours=2))
    assert anon.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-category/",
        "/no-such-category/no-such-article/",
        "/tags/nothing/",
        "/authors/nobody/",
        "/a/b/c/d/",
        "/%E2%80%AE/",
        "/" + "x" * 3000 + "/",
        "/preview/articles/99999999999999999999999/",
        "/tags/%F0%9F%95%8A/",
        "/authors/..%2F..%2Fetc/",
    ],
)
def test_bad_urls_are_not_found(editor_client, db, path):
    response = editor_client.get(path)
    assert response.status_code == 404
    assert "can’t find" in response.content.decode()


@pytest.mark.parametrize("sections", [2, 40])
def test_article_page_query_count_is_bounded(
    anon, django_assert_max_num_queries, sections
):
    article = make_article(
        authors=[make_author() for _ in range(3)],
        tags=[f"tag {n}" for n in range(sections)],
        sections=sections,
    )
    for n in range(sections):
        make_table(article, section=article.sections.all()[n], caption=f"T{n}")
        make_faq_item(article)
    for _ in range(3):
        make_article(category=article.category, tags=["tag 1"])
    # With an empty cache: next scheduled publication, navigation categories,
    # article + category, bylines, tags, sections, tables, FAQ, figures,
    # corrections, previous/next, related articles, comment threads (with the
    # total), their replies = 14.
    with django_assert_max_num_queries(14):
        response = anon.get(article.get_absolute_url())
    assert response.status_code == 200
    made = response.content.decode()
    assert made.count("<caption") == sections
    # Rendered again (the stored page forgotten), from its stored fragments:
    # article + category, comment threads, their replies = 3.
    cache.delete(page_key(RequestFactory().get(article.get_absolute_url())))
    with django_assert_max_num_queries(3):
        response = anon.get(article.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert response.content.decode().count("<caption") == sections


def test_staff_preview_shows_drafts_uncached(editor_client):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    response = editor_client.get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_needs_a_staff_login(anon, db):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    response = anon.get(reverse("articles:preview", args=[article.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
