"""The desk at a desktop's width and a phone's: no field of the article's
change form reaches past the screen, and the article list needs no sideways
scrolling, of the page or of the list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import roles
from articles.models import Article, Correction
from tests.browser.conftest import DESKTOP, fill_like_reporting
from tests.browser.test_journeys import check_page, desk_errors, log_in
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}
SCREENS = [pytest.param(DESKTOP, id="1280"), pytest.param(PHONE_390, id="390")]

# Every field's box, as the page lays it out: those reaching past the window.
_PAST_THE_EDGE = """
() => {
  const width = window.innerWidth;
  const fields = document.querySelectorAll(
    "#content-main input:not([type=hidden]), #content-main textarea, #content-main select"
  );
  const past = [];
  let shown = 0;
  for (const field of fields) {
    if (field.closest(".empty-form")) continue;  // the template for new rows
    const box = field.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not laid out
    shown += 1;
    if (box.right > width + 0.5) {
      past.push(`${field.name || field.id || field.tagName}: right edge ${Math.round(box.right)} > ${width}`);
    }
  }
  return { shown, past };
}
"""

_PAGE_WIDTH = """
() => ({
  scroll: document.scrollingElement.scrollWidth,
  inner: window.innerWidth,
})
"""


@pytest.fixture
def editor():
    user = make_staff_user(first_name="Eda", last_name="Desk")
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    return user


@pytest.fixture
def full_article() -> Article:
    """An article with sections, a table, FAQ items and a correction, plus more
    articles so the list has rows."""
    category = make_category(name="Environment and climate", slug="environment")
    article = make_article(
        title="Flood defences hold as the river reaches a record height overnight",
        slug="flood-defences-hold",
        standfirst="Barriers built after the last flood kept the water out of the town.",
        category=category,
        authors=[make_author(name="Alexandra Montgomery-Whitfield")],
        tags=["Floods", "Infrastructure"],
        sections=0,
    )
    fill_like_reporting(
        article,
        opening="The river rose through the night. " * 20,
        parts=[("What happened", 2), ("What comes next", 1)],
        callout=("Did you know?", "The barriers took four years to build."),
        callout_position=3,
        table=(
            "River levels",
            [
                ["Place", "Height at midnight (metres)", "Record before"],
                ["Upper bridge", "5.2", "4.9"],
                ["Mill weir", "3.8", "3.6"],
            ],
        ),
        table_in_part=1,
        questions=[
            "Why did the barriers hold when the embankments upstream did not?",
            "What should residents do if the water rises again tonight?",
        ],
    )
    article.faq_items.update(
        answer="Residents should follow the council's advice, move valuables upstairs "
        "and keep an eye on the alerts. " * 6
    )
    Correction.objects.create(
        article=article,
        text="An earlier version of this article gave the wrong height for the weir.",
    )
    for n in range(4):
        make_article(
            title=f"Another long headline about the river and the town, number {n}",
            category=category,
        )
    return article


@pytest.mark.parametrize("viewport", SCREENS)
def test_no_field_of_the_change_form_reaches_past_the_screen(
    open_page, editor, full_article, viewport
):
    tab = open_page(viewport=viewport)
    page = tab.page
    problems = log_in(tab, editor)
    tab.open(reverse("admin:articles_article_change", args=[full_article.pk]))
    problems += check_page(tab, "change form")
    # Collapsed fieldsets open, so that their fields are measured too.
    page.evaluate(
        "() => document.querySelectorAll('#content-main details')"
        ".forEach((d) => { d.open = true; })"
    )
    measured = page.evaluate(_PAST_THE_EDGE)
    assert measured["past"] == []
    # Every kind of part was on the page and measured.
    assert measured["shown"] > 30
    for name in ("sections-0-body", "tables-0-data", "faq_items-1-answer"):
        assert page.locator(f'[name="{name}"]').is_visible(), name
    if viewport is DESKTOP:
        # A headline, a heading and a question are seen whole as they are typed.
        for name in ("title", "sections-1-heading", "faq_items-0-question"):
            box = page.locator(f'[name="{name}"]').bounding_box()
            assert box is not None and box["width"] >= 480, (name, box)
    width = page.evaluate(_PAGE_WIDTH)
    assert width["scroll"] <= width["inner"], width
    assert problems == []
    assert desk_errors(tab) == []


@pytest.mark.parametrize("viewport", SCREENS)
def test_the_article_list_needs_no_sideways_scrolling(
    open_page, editor, full_article, viewport
):
    tab = open_page(viewport=viewport)
    page = tab.page
    problems = log_in(tab, editor)
    tab.open(reverse("admin:articles_article_changelist"))
    width = page.evaluate(_PAGE_WIDTH)
    assert width["scroll"] <= width["inner"], width
    table = page.locator("#result_list")
    box = table.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"] + 0.5
    # Each column of the first article can be read: inside the list's box,
    # which clips what is wider (beside the filters, "Updated" was cut off).
    results = page.locator("#changelist .results").bounding_box()
    assert results is not None
    row = page.locator("#result_list tbody tr").first
    for cell in row.locator("th, td").all():
        cell_box = cell.bounding_box()
        assert cell_box is not None
        assert cell_box["x"] + cell_box["width"] <= viewport["width"] + 0.5
        assert (
            cell_box["x"] + cell_box["width"] <= results["x"] + results["width"] + 0.5
        )
    # The headline reads as a line, not a word under a word.
    headline = row.locator(".field-title").bounding_box()
    assert headline is not None and headline["width"] >= 160, headline
    problems += check_page(tab, "article list")
    assert problems == []
    assert desk_errors(tab) == []
