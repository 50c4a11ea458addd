"""An editor imports articles at the desk in Chromium: preview first, then a draft."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.articles.test_admin_import import LOST_HEADING, MARKDOWN, PLAIN
from tests.browser.conftest import DESKTOP, BrowserPage
from tests.browser.test_journeys import (
    check_page,
    desk_errors,
    log_in,
    open_from_desk_index,
)
from tests.factories import make_staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_tab(open_page) -> tuple[BrowserPage, list[str]]:
    """A desk tab with an editor logged in on the import page, and what was wrong so far."""
    editor = make_staff_user(first_name="Ivo", last_name="Desk")
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    problems = log_in(tab, editor)
    open_from_desk_index(page, "Articles")
    page.wait_for_url("**" + reverse("admin:articles_article_changelist"))
    page.get_by_role("link", name="Import article").click()
    page.wait_for_url("**" + reverse("admin:articles_article_import"))
    expect(page.get_by_role("heading", name="Import article", level=1)).to_be_visible()
    problems += check_page(tab, "import page")
    return tab, problems


def test_editor_previews_pasted_text_and_creates_a_draft(editor_tab):
    tab, problems = editor_tab
    page = tab.page
    page.get_by_label("Article text").fill(PLAIN)
    page.get_by_label("Tags").fill("Ferries")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview (nothing saved yet)")
    expect(preview).to_contain_text("Harbour Board Approves New Ferry Timetable")
    expect(preview.get_by_role("list", name="Warnings (2)")).to_contain_text(
        LOST_HEADING
    )
    sections = preview.get_by_role("list", name="Sections (5)")
    expect(sections.get_by_role("listitem")).to_have_count(6)  # five and a table
    expect(sections).to_contain_text("Did you know? (Callout box)")
    expect(sections).to_contain_text("Table: no caption, 3 rows × 2 columns")
    expect(
        preview.get_by_role("list", name="Frequently asked questions (2)")
    ).to_contain_text("Will fares rise?")
    assert Article.objects.count() == 0
    problems += check_page(tab, "import preview")

    page.get_by_role("button", name="Create draft").click()
    article = Article.objects.get()
    page.wait_for_url(
        "**" + reverse("admin:articles_article_change", args=[article.pk])
    )
    expect(page.locator(".messagelist")).to_contain_text(
        "The draft “Harbour Board Approves New Ferry Timetable” was created"
    )
    expect(page.get_by_label("Title")).to_have_value(article.title)
    assert article.status == Article.Status.DRAFT
    assert article.sections.count() == 5
    assert article.tables.count() == 1
    assert article.faq_items.count() == 2
    assert list(article.tags.names()) == ["Ferries"]

    assert problems == []
    assert desk_errors(tab) == []
    assert tab.failed_requests == []


def test_editor_uploads_a_markdown_file_and_sees_its_structure(editor_tab):
    tab, problems = editor_tab
    page = tab.page
    page.get_by_label("Or upload a file").set_input_files(
        files=[
            {
                "name": "library.md",
                "mimeType": "text/markdown",
                "buffer": MARKDOWN.encode(),
            }
        ]
    )
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview (nothing saved yet)")
    expect(preview).to_contain_text("Small Town Library Turns 100")
    expect(preview).to_contain_text("Read as: Markdown")
    expect(preview).to_contain_text("Byline: Ana Silva, Tom Reed")
    expect(preview.get_by_role("list", name="Sections (1)")).to_contain_text(
        "Table: no caption, 3 rows × 2 columns"
    )
    expect(page.get_by_role("button", name="Create draft")).to_be_visible()
    assert Article.objects.count() == 0
    problems += check_page(tab, "import preview of a file")

    assert problems == []
    assert desk_errors(tab) == []
    assert tab.failed_requests == []
