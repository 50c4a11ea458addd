"""Reading an article: table of contents, wide tables on phones, printing."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, anchors_in_toc
from tests.factories import make_section, make_table

pytestmark = pytest.mark.browser

_HEADING_ON_SCREEN = """
(anchor) => {
  const heading = document.getElementById(anchor);
  if (!heading) return false;
  const box = heading.getBoundingClientRect();
  // A pixel of slack for sub-pixel scroll positions.
  return box.top >= -1 && box.bottom <= window.innerHeight + 1
    && document.querySelector(":target") === heading;
}
"""


def test_every_toc_link_brings_its_section_heading_into_view(open_page, long_article):
    tab = open_page(viewport=DESKTOP)
    tab.open(long_article.get_absolute_url())
    anchors = anchors_in_toc(tab.page)
    # 16 headed sections and the FAQ; the callout is not listed.
    assert len(anchors) == 17
    assert "faq" in anchors

    for anchor in anchors:
        tab.page.locator(f'nav.toc a[href="#{anchor}"]').click()
        # Scrolling may be smooth; wait until it has landed.
        tab.page.wait_for_function(_HEADING_ON_SCREEN, arg=anchor, timeout=5000)
        heading = tab.page.locator(f"#{anchor}")
        assert heading.evaluate("el => el.tagName") == "H2"
        assert tab.page.evaluate("location.hash") == f"#{anchor}"
    assert tab.errors == []


def test_toc_sits_beside_the_text_on_wide_screens_and_above_it_on_phones(
    open_page, long_article
):
    wide = open_page(viewport=DESKTOP)
    wide.open(long_article.get_absolute_url())
    toc = wide.page.locator("nav.toc").bounding_box()
    body = wide.page.locator(".article-body").bounding_box()
    assert toc["x"] + toc["width"] <= body["x"]
    assert abs(toc["y"] - body["y"]) < 5

    narrow = open_page(viewport=PHONE)
    narrow.open(long_article.get_absolute_url())
    toc = narrow.page.locator("nav.toc").bounding_box()
    body = narrow.page.locator(".article-body").bounding_box()
    assert toc["y"] + toc["height"] <= body["y"]


def test_a_wide_table_scrolls_by_itself_on_a_phone(open_page, long_article):
    long_cell = "A long note that explains this figure in a full sentence or two. " * 2
    make_table(
        long_article,
        section=long_article.sections.get(heading="Part 2: what happened"),
        caption="Ten columns of figures",
        rows=[[f"Heading {n}" for n in range(10)]]
        + [[f"{long_cell} {r}.{c}" for c in range(10)] for r in range(4)],
    )
    tab = open_page(viewport=PHONE)
    tab.open(long_article.get_absolute_url())

    assert tab.page.evaluate(
        "document.scrollingElement.scrollWidth <= window.innerWidth"
    ), "the page itself scrolls sideways"

    wrapper = tab.page.locator(".table-scroll").filter(
        has_text="Ten columns of figures"
    )
    sizes = wrapper.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], "the table should scroll inside its box"

    # Reachable with the Tab key, with a visible focus ring, and the arrow
    # keys then scroll it.
    for _ in range(150):
        tab.page.keyboard.press("Tab")
        if wrapper.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the table's scrolling box never received keyboard focus")
    outline = wrapper.evaluate(
        "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2
    tab.page.keyboard.press("ArrowRight")
    tab.page.wait_for_function(
        "el => el.scrollLeft > 0", arg=wrapper.element_handle(), timeout=3000
    )


def test_article_page_does_not_scroll_sideways_on_a_phone(open_page, long_article):
    make_section(
        long_article,
        heading="A very long unbroken word",
        position=90,
        body="Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
        + " and https://example.org/"
        + "a-very-long-path/" * 8,
    )
    tab = open_page(viewport=PHONE)
    tab.open(long_article.get_absolute_url())
    assert tab.page.evaluate(
        "document.scrollingElement.scrollWidth <= window.innerWidth"
    )


def test_printed_article_drops_navigation_and_spells_out_links(open_page, long_article):
    tab = open_page(viewport=DESKTOP)
    tab.open(long_article.get_absolute_url())
    assert tab.page.locator(".category-nav").is_visible()
    assert tab.page.locator(".comments").is_visible()

    tab.page.emulate_media(media="print")
    for hidden in (".category-nav", ".site-search", ".comments", ".related", "nav.toc"):
        assert tab.page.locator(hidden).first.is_hidden(), hidden
    assert tab.page.locator("h1").is_visible()
    assert tab.page.locator(".article-body").is_visible()

    link = tab.page.locator('.article-body a[href="https://example.org/statement"]')
    after = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert "https://example.org/statement" in after
    colours = tab.page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]


def test_printing_in_dark_mode_still_prints_black_on_white(open_page, long_article):
    tab = open_page(viewport=DESKTOP, color_scheme="dark")
    tab.open(long_article.get_absolute_url())
    tab.page.emulate_media(media="print")
    colours = tab.page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
