"""The demo content that `make run` loads."""

import io

import lxml.html
import pytest
from django.core.management import call_command

from articles.management.commands.load_demo import ARTICLES, DEMO_DIR
from articles.models import Article, ArticleTable, Author, Category, FaqItem, Section
from articles.views import FRONT_PAGE_TOP_STORIES
from tests.factories import make_author, make_category
from tests.pages import parse_page

SAMPLE_SLUG = "russia-rejects-western-troops-in-ukraine-as-peace-talks-loom"
DEMO_ARTICLE_COUNT = 22


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Article, Section, ArticleTable, FaqItem, Category, Author)
    )


def snapshot() -> list[tuple]:
    """Everything load_demo sets on each article, in a comparable form."""
    return [
        (
            article.pk,
            article.slug,
            article.category_id,
            article.status,
            article.published_at,
            article.updated_at,
            article.standfirst,
            article.dateline,
            tuple(b.author_id for b in article.bylines.order_by("position")),
            tuple(sorted(t.name for t in article.tags.all())),
            article.sections.count(),
            article.tables.count(),
            article.faq_items.count(),
        )
        for article in Article.objects.order_by("pk")
    ]


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def front_page_blocks(html: str) -> dict[str, list[str]]:
    """Category slug → addresses of the stories in its front-page block."""
    document = lxml.html.fromstring(html)
    blocks = {}
    for section in document.xpath("//section[contains(@class, 'front-category')]"):
        slug = section.get("aria-labelledby").removeprefix("front-")
        links = section.xpath(".//*[contains(@class, 'card-title')]//a/@href")
        blocks[slug] = list(dict.fromkeys(links))
    return blocks


def test_demo_has_enough_articles_for_every_block():
    assert len(ARTICLES) == DEMO_ARTICLE_COUNT
    assert 20 <= DEMO_ARTICLE_COUNT <= 24
    assert len({item.file for item in ARTICLES}) == len(ARTICLES)
    # Distinct times, so the order on the front page never depends on ids.
    assert len({item.hours_ago for item in ARTICLES}) == len(ARTICLES)
    for item in ARTICLES:
        assert 1 <= len(item.authors) <= 3, item.file
        assert 2 <= len(item.tags) <= 5, item.file
        assert item.standfirst, item.file


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_publishes_the_sample(anon):
    assert load_demo().startswith(f"Demo content: {len(ARTICLES)} articles added")
    first, details = counts(), snapshot()
    assert "nothing changed" in load_demo()
    assert counts() == first
    assert snapshot() == details

    sample = Article.objects.get(slug=SAMPLE_SLUG)
    assert sample.is_public and sample.category.slug == "world"
    assert not sample.shows_update_time  # loading the demo is not a correction
    assert [b.author.name for b in sample.bylines.all()] == ["Helen Marsh"]
    assert {"Ukraine", "Diplomacy"} <= {t.name for t in sample.tags.all()}
    assert sample.standfirst
    html = anon.get(sample.get_absolute_url()).content.decode()
    assert len(parse_page(html).toc_links) == 15
    assert Article.objects.published().count() == len(ARTICLES) == DEMO_ARTICLE_COUNT
    assert not Article.objects.filter(standfirst="").exists()
    assert not ArticleTable.objects.filter(caption="").exists()
    used = Category.objects.filter(articles__isnull=False).distinct().count()
    assert used == Category.objects.count() == 6
    for page in ("/", "/europe/", "/tags/cities/", "/authors/priya-raman/"):
        assert anon.get(page).status_code == 200


@pytest.mark.django_db
def test_every_front_page_category_block_has_at_least_two_stories(anon):
    load_demo()
    response = anon.get("/")
    assert response.status_code == 200
    blocks = front_page_blocks(response.content.decode())
    menu = Category.objects.filter(is_in_navigation=True)
    assert set(blocks) == {category.slug for category in menu}
    top = {
        article.get_absolute_url()
        for article in Article.objects.for_listing()[:FRONT_PAGE_TOP_STORIES]
    }
    for category in menu:
        stories = blocks[category.slug]
        assert len(stories) >= 2, (category.slug, stories)
        own = {a.get_absolute_url() for a in Article.objects.filter(category=category)}
        assert set(stories) <= own - top


@pytest.mark.django_db
def test_tag_pages_have_several_stories(anon):
    load_demo()
    for slug in ("veldhaven", "economy", "elections", "research"):
        html = anon.get(f"/tags/{slug}/").content.decode()
        assert len(lxml.html.fromstring(html).xpath("//article")) >= 3, slug


def test_every_demo_file_is_listed():
    files = {path.name for path in DEMO_DIR.iterdir() if path.is_file()}
    assert files == {item.file for item in ARTICLES}


@pytest.mark.django_db
def test_load_demo_reuses_existing_categories_and_authors():
    renamed = make_category(name="World", slug="world-news")
    author = make_author(name="Helen Marsh", slug="h-marsh")
    call_command("load_demo", stdout=io.StringIO())
    sample = Article.objects.get(slug=SAMPLE_SLUG)
    assert sample.category == renamed
    assert sample.bylines.get().author == author
    assert Category.objects.filter(name="World").count() == 1
