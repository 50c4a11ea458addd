"""The reading pages' layout at a phone's width and a desktop's, in both colour
schemes: a compact header, a menu that stays one row, contents that fold on a
phone, separators that never start a line, and thin sections that still fill
their width."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from tests.browser.conftest import (
    DESKTOP,
    BrowserPage,
    fill_like_reporting,
    measure_contrast,
    prose,
)
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
)

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
SCREENS = [pytest.param(PHONE_390, id="phone"), pytest.param(DESKTOP, id="desktop")]
SCHEMES = ["light", "dark"]

# Enough categories, with long enough names, that the menu cannot fit a phone.
CATEGORIES = [
    "World",
    "Europe",
    "Politics",
    "Business",
    "Science",
    "Culture",
    "Environment",
    "Technology",
]


@dataclass
class Site:
    front: str
    category: str
    thin_category: str
    article: str
    toc_size: int


@pytest.fixture
def site(transactional_db) -> Site:
    """A small front page: seven top stories, a World block of three, and a
    Science and a Culture block of one story each; a rich Culture article whose
    only related story is the other Culture article. Long double bylines and
    comment counts make the meta lines wrap."""
    now = timezone.now()
    categories = {
        name: make_category(name=name, slug=name.lower(), position=n)
        for n, name in enumerate(CATEGORIES)
    }
    pair = [
        make_author(name="Alexandra Montgomery-Whitfield", slug="alexandra-montgomery"),
        make_author(name="Bartholomew Okonkwo-Lindqvist", slug="bartholomew-okonkwo"),
    ]

    article = make_article(
        title="Lantern festival returns to the old town with a record programme",
        slug="lantern-festival-returns",
        standfirst="More than a hundred events, a third of them free, along the river.",
        dateline="Edinburgh",
        category=categories["Culture"],
        authors=pair,
        tags=["Festivals"],
        sections=0,
        published_at=now - timedelta(hours=1),
    )
    fill_like_reporting(
        article,
        opening=prose(2, 0),
        parts=[(f"Part {n}: the programme", 2) for n in range(1, 6)],
        callout=("Getting there", "Trams run every ten minutes until midnight."),
        callout_position=3,
        table=(
            "Events by venue",
            [["Venue", "Events"], ["Riverside", "48"], ["Old town", "61"]],
        ),
        table_in_part=2,
        questions=[f"Is event {n + 1} free?" for n in range(3)],
    )
    for _ in range(3):
        make_comment(article)

    # The rest of the top stories, one in each other category.
    for hours, name in enumerate(
        ["World", "Europe", "Politics", "Business", "Environment", "Technology"],
        start=2,
    ):
        story = make_article(
            category=categories[name],
            authors=pair,
            published_at=now - timedelta(hours=hours),
        )
        make_comment(story)
        make_comment(story)
    # Older stories for the category blocks.
    for days in (2, 3, 4):
        make_article(
            category=categories["World"],
            authors=pair,
            published_at=now - timedelta(days=days),
        )
    make_article(
        category=categories["Science"],
        authors=pair,
        published_at=now - timedelta(days=5),
    )
    make_article(
        category=categories["Culture"],
        authors=[pair[0]],
        published_at=now - timedelta(days=6),
    )
    return Site(
        front="/",
        category=categories["World"].get_absolute_url(),
        thin_category=categories["Science"].get_absolute_url(),
        article=article.get_absolute_url(),
        toc_size=6,
    )


def is_phone(screen: dict) -> bool:
    return screen["width"] < 600


def visit(open_page, path: str, screen: dict, scheme: str, **options) -> BrowserPage:
    # Without smooth scrolling, a box measured after scrolling is where it stays.
    tab = open_page(
        viewport=screen, color_scheme=scheme, reduced_motion="reduce", **options
    )
    response = tab.open(path)
    assert response.status == 200, path
    tab.page.wait_for_load_state("load")
    return tab


def assert_clean(tab: BrowserPage) -> None:
    assert tab.errors == []
    assert tab.csp_violations() == []
    assert tab.failed_requests == []


def assert_no_sideways_scrolling(tab: BrowserPage) -> None:
    assert tab.page.evaluate(
        "document.scrollingElement.scrollWidth <= window.innerWidth"
    ), "the page scrolls sideways"


# Header --------------------------------------------------------------------

_ABOVE_MAIN = """
() => {
  const header = document.querySelector("body > header");
  return {
    mainTop: document.querySelector("main").getBoundingClientRect().top + scrollY,
    viewport: innerHeight,
    search: !!header.querySelector("[role=search]"),
    menu: !!header.querySelector("nav[aria-label=Categories]"),
  };
}
"""

_MENU = """
() => {
  const list = document.querySelector("nav[aria-label=Categories] ul");
  const boxes = [...list.querySelectorAll("a")].map((a) => a.getBoundingClientRect());
  return {
    rows: new Set(boxes.map((box) => Math.round(box.top))).size,
    height: list.getBoundingClientRect().height,
    tallest: Math.max(...boxes.map((box) => box.height)),
    overflows: list.scrollWidth > list.clientWidth,
    count: boxes.length,
  };
}
"""

# Focusing a link that lies past the edge of the row scrolls it into view.
_LAST_LINK_REACHABLE = """
() => {
  const list = document.querySelector("nav[aria-label=Categories] ul");
  list.scrollLeft = 0;
  const last = [...list.querySelectorAll("a")].at(-1);
  const before = last.getBoundingClientRect().right;
  last.focus();
  const box = last.getBoundingClientRect();
  return { before, left: box.left, right: box.right, width: innerWidth };
}
"""


def check_header_and_menu(tab: BrowserPage, screen: dict) -> None:
    above = tab.page.evaluate(_ABOVE_MAIN)
    assert above["search"] and above["menu"]
    if is_phone(screen):
        assert above["mainTop"] <= above["viewport"] / 3, above

    menu = tab.page.evaluate(_MENU)
    assert menu["count"] == len(CATEGORIES)
    assert menu["rows"] == 1, menu
    # One row of links; a few pixels spare for a scroll bar.
    assert menu["height"] <= menu["tallest"] + 16, menu
    if is_phone(screen):
        assert menu["overflows"], "eight categories should not fit a phone"
        reach = tab.page.evaluate(_LAST_LINK_REACHABLE)
        assert reach["before"] > reach["width"], reach
        assert reach["left"] >= 0 and reach["right"] <= reach["width"], reach
    else:
        assert not menu["overflows"], menu


# Separators ----------------------------------------------------------------

# Where each item of a meta line sits, and any separator written as text that
# begins a line.
_META_ROW = """
(row) => {
  const box = row.getBoundingClientRect();
  const items = [...row.children].map((item) => {
    const r = item.getBoundingClientRect();
    return { left: r.left, top: r.top, bottom: r.bottom };
  });
  const textStarts = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[·•|]/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + 1);
      const r = range.getBoundingClientRect();
      if (r.width && r.left - box.left < 2) textStarts.push(node.data.trim());
    }
  }
  return { left: box.left, items, textStarts };
}
"""

# How far left of an item its separator is looked for, in CSS pixels.
_STRIP = (14, 2)


def _strip_has_ink(tab: BrowserPage, item: dict) -> bool:
    """Whether anything is drawn just left of ``item`` (its separator's place)."""
    far, near = _STRIP
    png = tab.page.screenshot(
        clip={
            "x": item["left"] - far,
            "y": item["top"],
            "width": far - near,
            "height": max(item["bottom"] - item["top"], 1),
        },
        animations="disabled",
    )
    bands = Image.open(io.BytesIO(png)).convert("RGB").getextrema()
    return max(high - low for low, high in bands) > 24


def check_separators(tab: BrowserPage) -> tuple[int, int]:
    """No line of a dateline or card meta starts with a separator.

    Returns how many items start a line after the first (their separators
    must not show) and how many separators were seen between items on one
    line (showing the check can see them at all).
    """
    line_starts = drawn = 0
    rows = tab.page.locator(".dates, .card-meta")
    for n in range(rows.count()):
        row = rows.nth(n)
        if not row.is_visible():
            continue
        row.scroll_into_view_if_needed()
        found = row.evaluate(_META_ROW)
        assert found["textStarts"] == [], found
        for index, item in enumerate(found["items"][1:], start=1):
            starts_line = item["left"] - found["left"] < 1
            if starts_line:
                line_starts += 1
                assert not _strip_has_ink(tab, item), (
                    f"a separator starts line {index} of {row.inner_text()!r}"
                )
            elif _strip_has_ink(tab, item):
                drawn += 1
    return line_starts, drawn


# Tests ---------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_header_menu_width_and_separators(open_page, site, screen, scheme):
    seen = 0
    for path in (site.front, site.category, site.article):
        tab = visit(open_page, path, screen, scheme)
        check_header_and_menu(tab, screen)
        assert_no_sideways_scrolling(tab)
        line_starts, drawn = check_separators(tab)
        seen += drawn
        if is_phone(screen) and path != site.category:
            # The long bylines and the comment counts make lines wrap here.
            assert line_starts > 0, f"no meta line wrapped on {path}"
        assert_no_sideways_scrolling(tab)
        assert_clean(tab)
    assert seen > 0, "no separator seen between items on one line"


_FIRST_LINE = """
() => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector(".article-body p"));
  const line = range.getClientRects()[0];
  return { top: line.top + scrollY, bottom: line.bottom + scrollY, viewport: innerHeight };
}
"""

_ON_SCREEN = """
(anchor) => {
  const box = document.getElementById(anchor).getBoundingClientRect();
  return box.top >= -1 && box.bottom <= innerHeight + 1;
}
"""

_FOCUS_RING = """
(el) => {
  const style = getComputedStyle(el);
  return style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0;
}
"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_contents_fold_on_a_phone_and_stay_open_on_a_desktop(
    open_page, site, screen, scheme
):
    tab = visit(open_page, site.article, screen, scheme)
    page = tab.page
    assert page.get_by_role("navigation", name="In this article").count() == 1
    summary = page.locator("nav.toc summary")
    links = page.locator("nav.toc a")
    assert links.count() == site.toc_size
    assert summary.is_visible()
    contrast = measure_contrast(page, "nav.toc summary h2")
    assert contrast.ratio >= 4.5, contrast
    box = summary.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24

    if is_phone(screen):
        assert not links.first.is_visible(), "the contents should start folded"
        line = page.evaluate(_FIRST_LINE)
        assert line["bottom"] <= line["viewport"], line
        # Opened with the keyboard, with a visible focus ring.
        summary.focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        assert summary.evaluate("el => el === document.activeElement")
        assert summary.evaluate(_FOCUS_RING) >= 2
        page.keyboard.press("Enter")
    for n in range(links.count()):
        assert links.nth(n).is_visible()
    assert_no_sideways_scrolling(tab)

    # The last link (the FAQ) still lands on its heading.
    last = links.last
    anchor = last.evaluate("a => a.hash.slice(1)")
    last.click()
    page.wait_for_function(_ON_SCREEN, arg=anchor, timeout=5000)
    assert page.evaluate("location.hash") == f"#{anchor}"
    assert_clean(tab)


_WIDTHS = """
(block) => {
  const stories = block.querySelectorAll("article");
  return {
    stories: stories.length,
    block: block.getBoundingClientRect().width,
    story: stories.length ? stories[0].getBoundingClientRect().width : 0,
  };
}
"""


def assert_one_story_fills(tab: BrowserPage, selector: str, name: str) -> None:
    block = tab.page.locator(selector)
    assert block.count() == 1, name
    widths = block.evaluate(_WIDTHS)
    assert widths["stories"] == 1, f"{name}: {widths}"
    assert widths["story"] >= widths["block"] - 1, f"{name}: {widths}"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_a_single_story_takes_the_full_width(open_page, site, screen, scheme):
    tab = visit(open_page, site.front, screen, scheme)
    for name in ("Science", "Culture"):
        assert_one_story_fills(
            tab, f"section:has(> h2 a[href='/{name.lower()}/'])", f"{name} block"
        )

    tab.open(site.article)
    assert_one_story_fills(tab, "aside:has(> h2#related-heading)", "related")

    tab.open(site.thin_category)
    assert_one_story_fills(tab, "main .listing", "Science listing")
    assert_no_sideways_scrolling(tab)
    assert_clean(tab)


def test_header_stays_small_on_a_phone_on_its_side(open_page, site):
    landscape = {"width": 844, "height": 390}
    for path in (site.front, site.article):
        tab = visit(open_page, path, landscape, "light")
        above = tab.page.evaluate(_ABOVE_MAIN)
        assert above["mainTop"] <= above["viewport"] / 3, above
        assert tab.page.evaluate(_MENU)["rows"] == 1
        assert_no_sideways_scrolling(tab)
        assert_clean(tab)


@pytest.mark.parametrize("screen", SCREENS)
def test_contents_open_with_their_summary_without_scripts(open_page, site, screen):
    tab = open_page(viewport=screen, java_script_enabled=False)
    tab.open(site.article)
    links = tab.page.locator("nav.toc a")
    assert not links.first.is_visible()
    tab.page.locator("nav.toc summary").click()
    for n in range(links.count()):
        assert links.nth(n).is_visible()
    assert tab.failed_requests == []


_LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) total += entry.value;
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


@pytest.mark.parametrize("screen", SCREENS)
def test_nothing_moves_once_the_article_has_loaded(open_page, site, screen):
    tab = open_page(viewport=screen)
    tab.open(site.article)
    tab.page.wait_for_load_state("load")
    # Cumulative Layout Shift as browsers report it; 0.1 is "needs improvement".
    assert tab.page.evaluate(_LAYOUT_SHIFT) < 0.01


def test_contents_fold_and_open_as_the_window_crosses_the_columns(open_page, site):
    tab = visit(open_page, site.article, DESKTOP, "light")
    first = tab.page.locator("nav.toc a").first
    assert first.is_visible()
    tab.page.set_viewport_size(PHONE_390)
    tab.page.wait_for_function("() => !document.querySelector('nav.toc details').open")
    assert not first.is_visible()
    tab.page.set_viewport_size(DESKTOP)
    tab.page.wait_for_function("() => document.querySelector('nav.toc details').open")
    assert first.is_visible()
    assert_clean(tab)
