"""An editor changes a live story in Chromium: readers keep seeing the published
version until the editor publishes the changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, PendingEdit
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import check_page, desk_errors, log_in
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_section,
    make_staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD = "Delegates walked out on Monday."
NEW = "Delegates came back on Tuesday and signed."


# How the history's table reads: column headings broken inside a word (the
# text's lines, counted by their tops), and the narrowest "What changed" cell.
_HISTORY_LAYOUT = """
() => {
  const lines = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const broken = [...document.querySelectorAll("#change-history thead th")]
    .filter((th) => th.offsetParent && th.textContent.trim().split(/\\s+/).length === 1
      && lines(th) > 1)
    .map((th) => th.textContent.trim());
  const widths = [...document.querySelectorAll("#change-history tbody td:nth-child(5)")]
    .map((td) => td.getBoundingClientRect().width);
  return { broken, narrowest: Math.min(...widths) };
}
"""


@pytest.fixture
def live_story() -> Article:
    article = make_article(
        title="Talks resume in Geneva",
        standfirst="Negotiators return after a week apart.",
        category=make_category(name="World", slug="world"),
        authors=[make_author(name="Amelia Hart")],
        sections=0,
    )
    make_section(article, heading="Talks stall", body=OLD, position=1)
    make_section(article, heading="What next", body="Another round is due.", position=2)
    article.refresh_derived_text()
    return article


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_editor_changes_a_live_story_and_readers_see_it_once_published(
    open_page, live_story, viewport
):
    editor = make_staff_user(first_name="Eda", last_name="Desk")
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    reader = open_page(viewport=viewport)
    address = live_story.get_absolute_url()
    reader.open(address)
    expect(reader.page.locator("article")).to_contain_text(OLD)

    tab = open_page(viewport=viewport)
    page = tab.page
    problems = log_in(tab, editor)
    tab.open(reverse("admin:articles_article_change", args=[live_story.pk]))
    section = page.locator(".sections-inline .inline-related:not(.empty-form)").first
    expect(section.get_by_label("Heading")).to_have_value("Talks stall")
    section.get_by_label("Body").fill(NEW)
    page.get_by_role("button", name="Save and continue editing").first.click()
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Changes saved, not yet live")
    # The form goes on with the pending version, and says so.
    expect(section.get_by_label("Body")).to_have_value(NEW)
    expect(page.locator("#revision-pending")).to_contain_text("Changes not yet live")
    problems += check_page(tab, "change form with changes not yet live")

    # The preview shows the new text; a reader still gets the old.
    messages.get_by_role("link", name="Preview them").click()
    page.wait_for_url("**" + reverse("articles:pending-preview", args=[live_story.pk]))
    expect(page.locator(".preview-banner")).to_contain_text(
        "Preview of changes not yet live"
    )
    expect(page.locator("article")).to_contain_text(NEW)
    problems += check_page(tab, "preview of changes not yet live")
    reader.page.reload()
    expect(reader.page.locator("article")).to_contain_text(OLD)
    expect(reader.page.locator("article")).not_to_contain_text(NEW)

    # What changed, then publish.
    tab.open(reverse("admin:articles_article_pending", args=[live_story.pk]))
    expect(
        page.get_by_role("heading", name="Section “Talks stall”: changed")
    ).to_be_visible()
    expect(page.locator("ins").first).to_be_visible()
    problems += check_page(tab, "changes not yet live")
    page.get_by_role("button", name="Publish these changes").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Changes published: readers see them now."
    )
    assert not PendingEdit.objects.filter(article=live_story).exists()

    reader.page.reload()
    expect(reader.page.locator("article")).to_contain_text(NEW)
    expect(reader.page.locator("article")).not_to_contain_text(OLD)

    # The history keeps the published version and who saved the changes.
    tab.open(reverse("admin:articles_article_history", args=[live_story.pk]))
    expect(page.locator("#change-history")).to_contain_text(
        "Published the changes saved by Eda Desk"
    )
    problems += check_page(tab, "history")
    # Whole words in the headings, and room for what changed (on a phone the
    # table was squeezed to a letter a line).
    layout = page.evaluate(_HISTORY_LAYOUT)
    assert layout["broken"] == [] and layout["narrowest"] >= 200, layout

    assert problems == []
    assert desk_errors(tab) == []
    assert tab.failed_requests == []


def test_editor_compares_two_versions_and_restores_one(open_page):
    editor = make_staff_user(first_name="Eda", last_name="Desk")
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    draft = make_article(
        title="Harbour reopens",
        status="draft",
        published_at=None,
        authors=[make_author(name="Amelia Hart")],
        sections=0,
    )
    make_section(draft, heading="Boats return", body="The first ferry docked.")
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    problems = log_in(tab, editor)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    for title in ("Harbour reopens at last", "Harbour reopening delayed"):
        tab.open(change)
        page.get_by_label("Title").fill(title)
        page.get_by_role("button", name="Save and continue editing").first.click()
        expect(page.locator(".messagelist")).to_contain_text("was changed")

    page.get_by_role("link", name="History").first.click()
    history = page.locator("#change-history")
    expect(history.locator("tbody tr")).to_have_count(2)
    expect(history).to_contain_text("Changed title")
    problems += check_page(tab, "history")
    page.get_by_role("button", name="Compare the two versions chosen").click()
    expect(page.get_by_role("heading", name="Compare two versions")).to_be_visible()
    expect(page.locator(".revision-diff")).to_contain_text("Title")
    expect(page.locator("del").first).to_have_text("reopens at last")
    expect(page.locator("ins").first).to_have_text("reopening delayed")
    problems += check_page(tab, "compare")

    page.get_by_role("link", name="Back to the history").click()
    page.locator("#change-history tbody tr").last.get_by_role("link").click()
    expect(
        page.get_by_role("heading", name="What restoring this version would change")
    ).to_be_visible()
    problems += check_page(tab, "one version")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("is restored")
    expect(page.get_by_label("Title")).to_have_value("Harbour reopens at last")

    assert problems == []
    assert desk_errors(tab) == []
    assert tab.failed_requests == []
