"""The demo content that `make run` loads."""

import io

import pytest
from django.core.management import call_command

from articles.management.commands.load_demo import ARTICLES, DEMO_DIR
from articles.models import Article, ArticleTable, Author, Category, FaqItem, Section
from tests.factories import make_author, make_category
from tests.pages import parse_page

SAMPLE_SLUG = "russia-rejects-western-troops-in-ukraine-as-peace-talks-loom"


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Article, Section, ArticleTable, FaqItem, Category, Author)
    )


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_publishes_the_sample(anon):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().startswith(f"Demo content: {len(ARTICLES)} articles added")
    first = counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == first
    assert "nothing changed" in out.getvalue()

    sample = Article.objects.get(slug=SAMPLE_SLUG)
    assert sample.is_public and sample.category.slug == "world"
    assert not sample.shows_update_time  # loading the demo is not a correction
    assert [b.author.name for b in sample.bylines.all()] == ["Helen Marsh"]
    assert {"Ukraine", "Diplomacy"} <= {t.name for t in sample.tags.all()}
    assert sample.standfirst
    html = anon.get(sample.get_absolute_url()).content.decode()
    assert len(parse_page(html).toc_links) == 16
    assert Article.objects.published().count() == len(ARTICLES) >= 7
    used = Category.objects.filter(articles__isnull=False).distinct().count()
    assert used >= 4
    for page in ("/", "/europe/", "/tags/cities/", "/authors/priya-raman/"):
        assert anon.get(page).status_code == 200


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
