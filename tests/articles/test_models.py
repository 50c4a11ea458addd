from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.markup import escape_markdown, markdown_to_text, render_markdown
from articles.models import Article, ArticleRedirect, ArticleTable, Category
from tests.factories import (
    make_article,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)


def test_markdown_keeps_the_small_dialect():
    html = render_markdown(
        "A *quiet* **word** and [a link](https://example.org).\n\n"
        "- one\n- two\n\n> quoted\n\n1. first"
    )
    assert "<em>quiet</em>" in html
    assert "<strong>word</strong>" in html
    assert '<a href="https://example.org" rel="noopener">a link</a>' in html
    assert "<ul>" in html and "<blockquote>" in html and "<ol>" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "![pic](https://example.org/x.png)",
        "<iframe src='https://example.org'></iframe>",
    ],
)
def test_markdown_never_emits_active_markup(hostile):
    tags = _tags_and_attributes(render_markdown(hostile))
    assert {tag for tag, _ in tags} <= {"p", "a"}
    for _, attributes in tags:
        assert all(not name.startswith("on") for name, _ in attributes)
        assert all("javascript" not in (value or "") for _, value in attributes)


def _tags_and_attributes(html: str) -> list[tuple[str, list]]:
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_markdown_headings_stay_text():
    # Sections carry their own heading; a "#" line in a body is not another one.
    assert "<h1" not in render_markdown("# Not a heading")


def test_escape_markdown_renders_plain_text_literally():
    line = "1. Item *not* emphasised_with_underscores [x] > quote # hash"
    assert markdown_to_text(escape_markdown(line)) == line
    assert markdown_to_text(escape_markdown("- not a list")) == "- not a list"


@pytest.mark.django_db
def test_section_anchor_is_made_from_heading_and_deduplicated():
    article = make_article(sections=0)
    first = make_section(article, heading="Background")
    second = make_section(article, heading="Background")
    reserved = make_section(article, heading="Comments")
    assert first.anchor == "background"
    assert second.anchor == "background-2"
    assert reserved.anchor == "comments-section"


@pytest.mark.django_db
def test_section_anchor_survives_a_reworded_heading():
    section = make_section(make_article(sections=0), heading="Early talks")
    section.heading = "Early talks in Geneva"
    section.save()
    section.refresh_from_db()
    assert section.anchor == "early-talks"


@pytest.mark.django_db
def test_section_anchor_keeps_non_latin_headings():
    section = make_section(make_article(sections=0), heading="Переговоры в Париже")
    assert section.anchor == "переговоры-в-париже"
    emoji_only = make_section(section.article, heading="🕊️", position=7)
    assert emoji_only.anchor == "section-7"


@pytest.mark.django_db
def test_section_body_html_is_rendered_on_save():
    section = make_section(make_article(sections=0), body="Hello *there*")
    assert section.body_html == "<p>Hello <em>there</em></p>"


@pytest.mark.django_db
def test_publishing_without_a_time_stamps_now():
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.full_clean()
    article.save()
    assert article.published_at is not None


@pytest.mark.django_db
def test_database_refuses_published_article_without_time():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published_at=None)


@pytest.mark.django_db
def test_slug_is_unique_within_a_category_only():
    world, europe = make_category(), make_category()
    make_article(category=world, slug="same")
    make_article(category=europe, slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(category=world, slug="same")


@pytest.mark.django_db
def test_reserved_category_slugs_are_refused():
    category = Category(name="Search", slug="search")
    with pytest.raises(ValidationError) as error:
        category.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one row"),
        ([["a", "b"], ["c"]], "same number of cells"),
        ([["a", 1]], "list of text cells"),
        ("not a list", "at least one row"),
        ([["x"] * 21], "at most 20 columns"),
        ([["x" * 1001]], "at most 1000 characters"),
    ],
)
def test_table_rows_are_validated(rows, message):
    table = ArticleTable(article=make_article(), caption="Figures", rows=rows)
    with pytest.raises(ValidationError) as error:
        table.full_clean()
    assert message in " ".join(error.value.message_dict["rows"])


@pytest.mark.django_db
def test_table_section_must_belong_to_the_same_article():
    article, other = make_article(), make_article()
    table = ArticleTable(
        article=article, section=other.sections.first(), caption="x", rows=[["a"]]
    )
    with pytest.raises(ValidationError) as error:
        table.full_clean()
    assert "section" in error.value.message_dict


@pytest.mark.django_db
def test_derived_text_covers_sections_tables_and_faq():
    article = make_article(sections=0)
    make_section(article, heading="Lead", body="The *first* paragraph.", position=1)
    make_section(article, heading="More", body="Second part.", position=2)
    make_table(article, caption="Who is who", rows=[["Name"], ["Ada"]])
    make_faq_item(article, question="Why?", answer="Because.")
    article.refresh_derived_text()
    article.refresh_from_db()
    assert article.excerpt == "The first paragraph."
    for fragment in ("Lead", "Second part.", "Who is who", "Ada", "Why?", "Because."):
        assert fragment in article.body_text


@pytest.mark.django_db
def test_summary_prefers_the_standfirst():
    article = make_article(standfirst="")
    assert article.summary == "Paragraph 1 text."
    article.standfirst = "A standfirst."
    assert article.summary == "A standfirst."


@pytest.mark.django_db
def test_changing_a_published_slug_remembers_the_old_address():
    article = make_article(slug="old-name")
    old_category = article.category.slug
    article.slug = "new-name"
    article.save()
    assert ArticleRedirect.objects.filter(
        old_category_slug=old_category, old_slug="old-name", article=article
    ).exists()


@pytest.mark.django_db
def test_draft_slug_changes_leave_no_redirects():
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.slug = "renamed"
    article.save()
    assert not ArticleRedirect.objects.exists()


@pytest.mark.django_db
def test_renaming_a_category_remembers_every_published_article():
    category = make_category(slug="europe")
    a, b = make_article(category=category), make_article(category=category)
    category.slug = "europe-news"
    category.save()
    remembered = set(
        ArticleRedirect.objects.filter(old_category_slug="europe").values_list(
            "article_id", flat=True
        )
    )
    assert remembered == {a.pk, b.pk}


@pytest.mark.django_db
def test_renamed_category_page_and_articles_redirect(
    anon, django_assert_max_num_queries
):
    category = make_category(slug="europe")
    articles = [make_article(category=category) for _ in range(30)]
    category.slug = "europe-news"
    # The old slug, the update, the category redirect (with its savepoints), the
    # articles' slugs and one bulk insert: the same 11 for 3 articles or 3,000.
    with django_assert_max_num_queries(11):
        category.save()

    response = anon.get("/europe/", {"page": 2})
    assert response.status_code == 301
    assert response["Location"] == "/europe-news/?page=2"
    moved = anon.get(f"/europe/{articles[0].slug}/")
    assert moved["Location"] == articles[0].get_absolute_url()

    # Renaming back makes the live category win over its own old redirect.
    category.slug = "europe"
    category.save()
    assert anon.get("/europe/").status_code == 200
    assert anon.get("/europe-news/")["Location"] == "/europe/"


@pytest.mark.django_db
def test_last_change_is_an_edit_or_going_live_whichever_is_later():
    article = make_article()
    later = article.published_at + timedelta(days=1)
    article.updated_at = later
    assert article.last_changed_at == later
    article.updated_at = article.published_at - timedelta(
        days=1
    )  # scheduled, then live
    assert article.last_changed_at == article.published_at
