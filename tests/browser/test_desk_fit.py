"""The desk at a desktop's width, a tablet's and a phone's: no field of the
article's change form reaches past the screen, and the article list and the
comment moderation list need no sideways scrolling, of the page or of the
list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles import roles
from articles.models import Article, Correction
from comments.models import Comment
from tests.browser.conftest import DESKTOP, fill_like_reporting
from tests.browser.test_comments import moderators_group
from tests.browser.test_journeys import check_page, desk_errors, log_in
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_staff_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}
# A tablet held upright (768 to 1023 px): the desk's menu beside the list.
TABLET_800 = {"width": 800, "height": 1280}
SCREENS = [
    pytest.param(DESKTOP, id="1280"),
    pytest.param(TABLET_800, id="800"),
    pytest.param(PHONE_390, id="390"),
]

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


# Each column of the list and its width: what to narrow when the list is wide.
_COLUMNS = """
() => [...document.querySelectorAll("#result_list thead th")].map((th) => {
  const name = th.className.split(" ").find((c) => c.startsWith("column-")) || th.className;
  return `${name.replace("column-", "")} ${Math.round(th.getBoundingClientRect().width)}`;
}).join(", ")
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


def assert_the_list_fits(page, viewport: dict) -> None:
    """Neither the page nor the list's box scrolls sideways, and each column
    of the first row can be read inside the list's box, which clips what is
    wider (beside the filters, "Updated" was cut off)."""
    width = page.evaluate(_PAGE_WIDTH)
    assert width["scroll"] <= width["inner"], width
    box = page.locator("#result_list").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= viewport["width"] + 0.5, page.evaluate(_COLUMNS)
    results = page.locator("#changelist .results")
    assert results.evaluate("(box) => box.scrollWidth <= box.clientWidth"), (
        results.evaluate("(box) => [box.scrollWidth, box.clientWidth]")
    )
    inside = results.bounding_box()
    assert inside is not None
    row = page.locator("#result_list tbody tr").first
    for cell in row.locator("th, td").all():
        cell_box = cell.bounding_box()
        assert cell_box is not None
        right = cell_box["x"] + cell_box["width"]
        assert right <= viewport["width"] + 0.5
        assert right <= inside["x"] + inside["width"] + 0.5, cell.get_attribute("class")


@pytest.mark.parametrize("viewport", SCREENS)
def test_the_article_list_needs_no_sideways_scrolling(
    open_page, editor, full_article, viewport
):
    tab = open_page(viewport=viewport)
    page = tab.page
    problems = log_in(tab, editor)
    tab.open(reverse("admin:articles_article_changelist"))
    assert_the_list_fits(page, viewport)
    # The headline reads as a line, not a word under a word.
    row = page.locator("#result_list tbody tr").first
    headline = row.locator(".field-title").bounding_box()
    assert headline is not None and headline["width"] >= 160, headline
    problems += check_page(tab, "article list")
    assert problems == []
    assert desk_errors(tab) == []


@pytest.mark.parametrize("viewport", SCREENS)
def test_the_comment_queue_needs_no_sideways_scrolling(
    open_page, full_article, viewport
):
    moderator = make_staff_user(first_name="Mona", last_name="Desk")
    moderator.groups.add(moderators_group())
    for n in range(3):
        make_comment(
            full_article,
            author_name=f"Alexandra Montgomery-Whitfield {n}",
            body="The barriers held this time, but the embankments upstream "
            "did not, and nobody has said who pays for the repairs. " * 3,
            status=Comment.Status.APPROVED,
            rule=Comment.Rule.MODERATOR,
            reason="Democratic content, on topic and civil",
        )
    make_comment(
        full_article,
        author_name="Nora Quill",
        body="Will the council publish the river readings every hour?",
        status=Comment.Status.PENDING,
        rule=Comment.Rule.FIRST_TIME,
        needs_review=True,
    )
    tab = open_page(viewport=viewport)
    page = tab.page
    problems = log_in(tab, moderator)
    tab.open(reverse("admin:comments_comment_changelist"))
    assert_the_list_fits(page, viewport)
    # The comment opens from a readable line, not a word under a word.
    row = page.locator("#result_list tbody tr").first
    opening = row.locator(".field-short_body").bounding_box()
    assert opening is not None and opening["width"] >= 120, opening
    problems += check_page(tab, "comment queue")
    assert problems == []
    assert desk_errors(tab) == []
