"""The desk's "Import article" page: preview, create a draft, refuse hostile input."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.admin import import_page as admin_import
from articles.importer import MAX_FILE_BYTES
from articles.models import Article, ArticleTable, Author, Category, FaqItem, Section
from tests.factories import make_article, make_author, make_category, make_staff_user
from tests.pages import elements

pytestmark = pytest.mark.django_db

PLAIN = """Harbour Board Approves New Ferry Timetable
Table of Contents
- 1. Harbour Board Approves New Ferry Timetable
- 2. The Decision
- 3. Fares
- 4. Frequently Asked Questions
- 5. Lost Heading
KYIV — The harbour board approved two evening crossings.
The Decision
Nine members voted in favour.
Did you know? The first ferry sailed in 1854.
Fares
Fares stay the same until spring.
| Route | Fare |
|---|---|
| North | 3.50 |
| South | 4.00 |
Frequently Asked Questions
- When do the new crossings start? From the first Monday of next month.
- Will fares rise? Not before spring.
Share your thoughts: Would you take the late ferry?
"""
PLAIN_SLUG = "harbour-board-approves-new-ferry-timetable"
LOST_HEADING = (
    "Line 7: “Lost Heading” is listed in the table of contents but no line of the text "
    "matches it"
)

# No "#" heading: only the file's name makes it Markdown.
MARKDOWN = """Small Town Library Turns 100

By Ana Silva and Tom Reed

PARIS – The library opened its doors a century ago, with *one* room.

**What changed**

| Year | Visitors |
|---|---|
| 1990 | 12,000 |
| 2020 | 31,000 |
"""


def import_url() -> str:
    return reverse("admin:articles_article_import")


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Article, Section, ArticleTable, FaqItem, Category, Author, Tag)
    )


def form_data(**overrides) -> dict:
    data = {
        "text": PLAIN,
        "format": "auto",
        "category": "news",
        "authors": "",
        "tags": "",
        "_preview": "Preview",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def carried(response) -> dict:
    """What the "Create draft" form sends back: its hidden fields, as a browser reads them."""
    fields = [
        attrs
        for attrs in elements(response.content.decode(), "input", type="hidden")
        if attrs.get("id", "").startswith("create_")
    ]
    return {attrs["name"]: attrs.get("value", "") for attrs in fields}


def field_error(response, field: str) -> str:
    """The one error the form shows for ``field``."""
    errors = response.context["adminform"].form.errors[field]
    assert len(errors) == 1, errors
    return errors[0]


# -- who may use it ------------------------------------------------------------


def test_import_page_sends_anonymous_visitors_to_login(anon):
    for response in (anon.get(import_url()), anon.post(import_url(), form_data())):
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert counts() == (0,) * 7


def test_import_page_refuses_staff_without_add_permission():
    user = make_staff_user()
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_article", "change_article", "add_category"]
        )
    )
    client = Client()
    client.force_login(user)
    assert client.get(import_url()).status_code == 403
    assert (
        client.post(import_url(), form_data(_create="Create draft")).status_code == 403
    )
    assert counts() == (0,) * 7
    # Nor is the way there offered on the article list.
    listing = client.get(reverse("admin:articles_article_changelist"))
    assert listing.status_code == 200
    assert import_url() not in listing.content.decode()


def test_article_list_links_to_import_page(editor_client):
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert f'<a href="{import_url()}" class="addlink">Import article</a>' in (
        response.content.decode()
    )


def test_import_rejects_post_without_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(import_url(), form_data(_create="Create draft"))
    assert response.status_code == 403
    assert counts() == (0,) * 7


# -- the empty page ------------------------------------------------------------


def test_import_page_is_an_admin_form(editor_client):
    response = editor_client.get(import_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert "<title>Import article |" in html
    assert '<li aria-current="page">Import article</li>' in html
    assert (
        f'<a href="{reverse("admin:articles_article_changelist")}">Articles</a>' in html
    )
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_text">Article text:</label>' in html
    assert '<label for="id_file">Or upload a file:</label>' in html
    assert 'aria-describedby="id_text_helptext"' in html
    # "News" does not exist yet: offered first, and made only when a draft is saved.
    assert '<option value="news" selected>News (new category)</option>' in html
    assert "Create draft" not in html
    assert counts() == (0,) * 7


def test_import_page_offers_existing_categories_with_news_chosen(editor_client):
    news = make_category(name="News", slug="latest")
    world = make_category(name="World", slug="world")
    html = editor_client.get(import_url()).content.decode()
    assert f'<option value="{news.slug}" selected>News</option>' in html
    assert f'<option value="{world.slug}">World</option>' in html
    assert "(new category)" not in html


def test_import_page_query_count(editor_client, django_assert_num_queries):
    for n in range(3):
        make_category(name=f"Place {n}")
    # 1 session, 2 user, 3-4 the user's and groups' permissions, 5 the
    # categories for the choice and its default.
    with django_assert_num_queries(5):
        response = editor_client.get(import_url())
    assert response.status_code == 200


# -- preview -------------------------------------------------------------------


def test_preview_of_pasted_text_shows_structure_and_warnings(editor_client):
    response = editor_client.post(import_url(), form_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Harbour Board Approves New Ferry Timetable</strong>" in html
    assert "<li>Dateline: KYIV</li>" in html
    assert "Read as: plain text" in html
    assert '<h3 id="sections-heading">Sections (5)</h3>' in html
    assert "Did you know? (Callout box)" in html
    assert "<li>Table: no caption, 3 rows × 2 columns</li>" in html
    assert "Frequently Asked Questions (FAQ)" in html
    assert "<li>When do the new crossings start?</li>" in html
    assert "<li>Will fares rise?</li>" in html
    assert "Prompt: Share your thoughts: Would you take the late ferry?" in html
    assert "Warnings (2)" in html
    assert f'<li class="warning">{LOST_HEADING}</li>' in html.replace("&quot;", '"')
    assert 'name="_create"' in html
    assert counts() == (0,) * 7


def test_preview_of_uploaded_text_file(editor_client):
    data = form_data(text="", file=upload("ferry.txt", PLAIN.encode()))
    response = editor_client.post(import_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Harbour Board Approves New Ferry Timetable</strong>" in html
    assert "<li>Table: no caption, 3 rows × 2 columns</li>" in html
    # The file's text goes on to the "Create draft" step.
    assert carried(response)["text"].replace("\r\n", "\n") == PLAIN
    assert counts() == (0,) * 7


def test_preview_of_uploaded_markdown_file_reads_it_as_markdown(editor_client):
    data = form_data(text="", file=upload("library.md", MARKDOWN.encode()))
    response = editor_client.post(import_url(), data)
    html = response.content.decode()
    assert "Read as: Markdown" in html
    assert "<li>Byline: Ana Silva, Tom Reed</li>" in html
    assert "<li>Dateline: PARIS</li>" in html
    assert "Table: no caption, 3 rows × 2 columns" in html
    assert carried(response)["format"] == "markdown"
    assert counts() == (0,) * 7

    # The text box now holds the file's text, to change and preview again.
    shown = response.context["adminform"].form
    assert shown["text"].value() == MARKDOWN
    assert shown["format"].value() == "markdown"
    again = editor_client.post(
        import_url(), form_data(text=MARKDOWN, format="markdown")
    )
    assert "Table: no caption, 3 rows × 2 columns" in again.content.decode()

    # The same text pasted is plain text: the file's name made the difference.
    pasted = editor_client.post(import_url(), form_data(text=MARKDOWN))
    assert "Read as: plain text" in pasted.content.decode()


def test_preview_shows_standfirst_question_and_parts(editor_client, monkeypatch):
    found_by_importer = admin_import.parse_article

    def parse(text: str, *, markdown: bool | None = None):
        parsed = found_by_importer(text, markdown=markdown)
        parsed.standfirst = "Two late crossings from next month."
        parsed.discussion_question = "Would you take the late ferry?"
        parsed.sections[1].part_heading = "The vote"
        return parsed

    monkeypatch.setattr(admin_import, "parse_article", parse)
    html = editor_client.post(import_url(), form_data()).content.decode()
    assert "<li>Standfirst: Two late crossings from next month.</li>" in html
    assert "<li>Discussion question: Would you take the late ferry?</li>" in html
    assert "<li>Starts the part “The vote”</li>" in html


def test_format_chosen_overrides_the_file_name(editor_client):
    data = form_data(
        text="", format="plain", file=upload("library.md", MARKDOWN.encode())
    )
    response = editor_client.post(import_url(), data)
    assert "Read as: plain text" in response.content.decode()
    assert carried(response)["format"] == "plain"


def test_preview_of_existing_title_links_to_it_and_offers_no_draft(editor_client):
    news = make_category(name="News", slug="news")
    existing = make_article(
        title="Harbour Board Approves New Ferry Timetable",
        slug=PLAIN_SLUG,
        category=news,
    )
    response = editor_client.post(import_url(), form_data())
    html = response.content.decode()
    change = reverse("admin:articles_article_change", args=[existing.pk])
    assert "already exists in News" in html
    assert f'<a href="{change}">{existing.title}</a>' in html
    assert 'name="_create"' not in html


# -- create --------------------------------------------------------------------


def test_create_makes_a_draft_and_opens_its_change_form(editor_client):
    response = editor_client.post(
        import_url(),
        form_data(
            _preview=None,
            _create="Create draft",
            authors="Jane Doe, jane doe, Tom Reed",
            tags="Ferries, harbour, ferries",
            # Not a field of this form: nothing here publishes.
            publish="on",
            status="published",
        ),
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert article.title == "Harbour Board Approves New Ferry Timetable"
    assert article.slug == PLAIN_SLUG
    assert article.category.name == "News"
    assert article.dateline == "KYIV"
    assert (
        article.comment_prompt == "Share your thoughts: Would you take the late ferry?"
    )
    assert [(s.heading, s.kind) for s in article.sections.all()] == [
        ("", "text"),
        ("The Decision", "text"),
        ("Did you know?", "callout"),
        ("Fares", "text"),
        ("Frequently Asked Questions", "faq"),
    ]
    table = article.tables.get()
    assert table.caption == ""
    assert table.rows == [["Route", "Fare"], ["North", "3.50"], ["South", "4.00"]]
    assert table.section.heading == "Fares"
    assert [item.question for item in article.faq_items.all()] == [
        "When do the new crossings start?",
        "Will fares rise?",
    ]
    assert [b.author.name for b in article.bylines.select_related("author")] == [
        "Jane Doe",
        "Tom Reed",
    ]
    assert sorted(article.tags.names()) == ["Ferries", "harbour"]

    change_form = editor_client.get(response.url)
    assert "The draft “Harbour Board Approves New Ferry Timetable” was created" in (
        change_form.content.decode()
    )


def test_preview_then_create_carries_an_uploaded_file(editor_client):
    world = make_category(name="World", slug="world")
    author = make_author(name="Ana Silva")
    preview = editor_client.post(
        import_url(),
        form_data(
            text="",
            file=upload("library.md", MARKDOWN.encode()),
            category=world.slug,
            tags="Libraries",
        ),
    )
    assert counts()[0] == 0
    data = {**carried(preview), "_create": "Create draft"}
    assert data["category"] == "world"
    response = editor_client.post(import_url(), data)
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.category == world
    assert article.status == Article.Status.DRAFT
    # Parsed again as Markdown, as the preview was: "*one*" is emphasis.
    lead = article.sections.first()
    assert "*one* room" in lead.body
    assert article.tables.get().caption == ""
    # The byline under the title: an existing author found, a new one made.
    bylines = list(article.bylines.select_related("author"))
    assert bylines[0].author == author
    assert [b.author.name for b in bylines] == ["Ana Silva", "Tom Reed"]
    assert list(article.tags.names()) == ["Libraries"]
    assert not Category.objects.filter(slug="news").exists()


def test_create_refuses_an_existing_title_and_changes_nothing(editor_client):
    news = make_category(name="News", slug="news")
    existing = make_article(
        title="Harbour Board Approves New Ferry Timetable",
        slug=PLAIN_SLUG,
        category=news,
        sections=2,
    )
    before = counts()
    response = editor_client.post(
        import_url(), form_data(_preview=None, _create="Create draft")
    )
    assert response.status_code == 200
    html = response.content.decode()
    change = reverse("admin:articles_article_change", args=[existing.pk])
    assert f'<a href="{change}">{existing.title}</a>' in html
    assert "Nothing was saved" in html
    assert counts() == before
    existing.refresh_from_db()
    assert existing.status == Article.Status.PUBLISHED
    assert [s.heading for s in existing.sections.all()] == ["Heading 1", "Heading 2"]


def test_create_same_title_in_another_category_is_allowed(editor_client):
    make_article(
        title="Harbour Board Approves New Ferry Timetable",
        slug=PLAIN_SLUG,
        category=make_category(name="World", slug="world"),
    )
    response = editor_client.post(
        import_url(), form_data(_preview=None, _create="Create draft")
    )
    assert response.status_code == 302
    assert Article.objects.filter(slug=PLAIN_SLUG).count() == 2


def test_failure_while_saving_leaves_nothing_behind(editor_client, monkeypatch):
    def fail(article: Article) -> None:
        raise DatabaseError("disk full\nmore detail")

    # The last step of saving, after every section, table, FAQ item, author,
    # tag and the "News" category have been written.
    monkeypatch.setattr(Article, "refresh_derived_text", fail)
    response = editor_client.post(
        import_url(),
        form_data(
            _preview=None, _create="Create draft", authors="New Person", tags="Ferries"
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The draft could not be saved, and nothing was kept (disk full)." in html
    assert "more detail" not in html
    assert counts() == (0,) * 7
    # The preview and the way to try again are still there.
    assert 'name="_create"' in html


# -- hostile and broken input --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Paste the article’s text here, or upload a file below."),
        (" \n\t\n   \r\n", "Paste the article’s text here, or upload a file below."),
        ("Harbour\x00 Board\nText.", "Null characters are not allowed."),
        ("Only a title\n\n\n", "There is no article text after the title"),
    ],
    ids=["empty", "whitespace", "nul", "title-only"],
)
def test_bad_pasted_text_gets_one_line_error(editor_client, text, error):
    for button in ({}, {"_preview": None, "_create": "Create draft"}):
        response = editor_client.post(import_url(), form_data(text=text, **button))
        assert response.status_code == 200
        assert field_error(response, "text") == error
        assert "Create draft" not in response.content.decode()
    assert counts() == (0,) * 7


def test_error_is_tied_to_its_field(editor_client):
    response = editor_client.post(import_url(), form_data(text=""))
    html = response.content.decode()
    assert 'aria-describedby="id_text_helptext id_text_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<ul class="errorlist" id="id_text_error">' in html
    assert "<title>Error: Import article |" in html


def test_huge_pasted_text_is_refused(editor_client):
    text = PLAIN + "x" * (MAX_FILE_BYTES - len(PLAIN.encode()) + 1)
    response = editor_client.post(
        import_url(), form_data(text=text, _preview=None, _create="Create draft")
    )
    assert response.status_code == 200
    assert field_error(response, "text") == (
        "The text is larger than 2 MB; an article should be a few dozen kilobytes."
    )
    assert counts() == (0,) * 7


def test_request_larger_than_the_site_accepts_gets_413(editor_client, settings):
    settings.NEWSROOM_MAX_REQUEST_BYTES = 10_000
    response = editor_client.post(import_url(), form_data(text=PLAIN * 100))
    assert response.status_code == 413
    assert counts() == (0,) * 7


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.txt", b"", "The submitted file is empty."),
        ("blank.txt", b"  \n\n \t\n", "blank.txt: the file is empty"),
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "photo.txt: looks like a binary file, not text",
        ),
        (
            "latin.txt",
            "Café opens\nIt is open.".encode("latin-1"),
            "latin.txt: is not UTF-8 text (byte 0xe9 at position 3); save it as "
            "UTF-8 and import it again",
        ),
        (
            "wide.txt",
            "Title\nText.".encode("utf-16"),
            "wide.txt: is UTF-16 text; save it as UTF-8 and import it again",
        ),
        (
            "huge.md",
            b"Title\n" + b"x" * MAX_FILE_BYTES,
            "huge.md: is larger than 2 MB; an article file should be a few dozen "
            "kilobytes",
        ),
    ],
    ids=["empty", "blank", "binary", "latin-1", "utf-16", "oversized"],
)
def test_bad_upload_gets_one_line_error(editor_client, name, content, error):
    response = editor_client.post(
        import_url(), form_data(text="", file=upload(name, content))
    )
    assert response.status_code == 200
    assert field_error(response, "file") == error
    assert counts() == (0,) * 7


def test_text_and_file_together_are_refused(editor_client):
    response = editor_client.post(
        import_url(), form_data(file=upload("ferry.txt", PLAIN.encode()))
    )
    assert field_error(response, "file") == (
        "Paste the text or upload a file, not both: empty the text box to read the "
        "file."
    )
    assert counts() == (0,) * 7


def test_unknown_category_and_long_names_are_refused(editor_client):
    response = editor_client.post(
        import_url(),
        form_data(
            _create="Create draft",
            category="no-such-category",
            authors="A" * 121,
            tags="t" * 101,
        ),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["category"][0].startswith("Select a valid choice.")
    assert form.errors["authors"] == [
        f"A name may have at most 120 characters: “{'A' * 40}…”."
    ]
    assert form.errors["tags"] == [
        f"A tag may have at most 100 characters: “{'t' * 40}…”."
    ]
    assert counts() == (0,) * 7


def test_an_imported_draft_is_its_importers_own(editor, editor_client):
    response = editor_client.post(import_url(), form_data(_create="1"))
    assert response.status_code == 302
    assert Article.objects.get(slug=PLAIN_SLUG).created_by == editor
