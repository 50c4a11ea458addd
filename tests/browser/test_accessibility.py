"""Keyboard use, focus, colour contrast in both schemes and target sizes."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, measure_contrast
from tests.factories import make_article

pytestmark = pytest.mark.browser

# WCAG 2.2 AA: 4.5:1 for normal text.
TEXT_CONTRAST = 4.5

_FOCUS_RING = """
(el) => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0;
  return { outline, shadow: style.boxShadow };
}
"""


def test_skip_link_is_the_first_tab_stop_and_jumps_to_main(open_page, long_article):
    tab = open_page(viewport=PHONE)
    tab.open(long_article.get_absolute_url())
    skip = tab.page.locator(".skip-link")
    assert not skip.is_visible() or skip.bounding_box()["y"] < 0

    tab.page.keyboard.press("Tab")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24 and box["width"] >= 24
    assert skip.is_visible()

    tab.page.keyboard.press("Enter")
    tab.page.wait_for_function("document.activeElement.id === 'main'")
    assert tab.page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab continues from the content, not from the top of the page.
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.closest('main') !== null")


def test_keyboard_focus_is_clearly_visible(open_page, long_article):
    tab = open_page(viewport=DESKTOP)
    tab.open(long_article.get_absolute_url())
    wordmark = tab.page.locator(".wordmark")
    assert wordmark.evaluate(_FOCUS_RING)["outline"] == 0

    tab.page.keyboard.press("Tab")  # skip link
    tab.page.keyboard.press("Tab")  # the wordmark, a link to the front page
    assert wordmark.evaluate("el => el === document.activeElement")
    ring = wordmark.evaluate(_FOCUS_RING)
    assert ring["outline"] >= 2 or ring["shadow"] != "none"

    toc_link = tab.page.locator("nav.toc a").first
    toc_link.focus()
    tab.page.keyboard.press("Shift+Tab")
    tab.page.keyboard.press("Tab")
    assert toc_link.evaluate("el => el === document.activeElement")
    assert toc_link.evaluate(_FOCUS_RING)["outline"] >= 2


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_aa_in_both_colour_schemes(open_page, long_article, scheme):
    tab = open_page(viewport=DESKTOP, color_scheme=scheme)
    tab.open(long_article.get_absolute_url())
    checked = {
        "body text": ".article-body p",
        "link in the text": ".article-body p a",
        "byline": ".byline",
        "publication time": ".dates",
        "table of contents": "nav.toc a",
        "callout": ".callout p",
        "table cell": ".table-scroll td",
        "comment prompt": ".comment-prompt",
        "tagline": ".tagline",
        "category navigation": ".category-nav a",
        "footer": ".footer-note",
    }
    body = measure_contrast(tab.page, "body")
    if scheme == "dark":
        assert body.background_luminance < 0.05, "the page should be dark"
        assert body.text_luminance > 0.6, "the text should be light"
    else:
        assert body.background_luminance > 0.9
        assert body.text_luminance < 0.05
    for what, selector in checked.items():
        contrast = measure_contrast(tab.page, selector)
        assert contrast.ratio >= TEXT_CONTRAST, f"{what}: {contrast}"

    tab.open("/")
    for what, selector in {
        "card summary": ".card-summary",
        "card meta": ".card-meta",
        "kicker": ".kicker a",
        "section heading": ".rule-heading",
    }.items():
        contrast = measure_contrast(tab.page, selector)
        assert contrast.ratio >= TEXT_CONTRAST, f"{what}: {contrast}"


def test_controls_are_big_enough_to_tap(open_page, long_article):
    for _ in range(21):
        make_article(category=long_article.category)
    tab = open_page(viewport=PHONE)
    for path in (
        long_article.get_absolute_url(),
        long_article.category.get_absolute_url(),
    ):
        tab.open(path)
        small = tab.page.locator(
            ".category-nav a, .site-search input, .site-search button, nav.toc a, "
            ".breadcrumbs a, .article-tags a, .pagination a, .footer-links a"
        ).evaluate_all(
            """els => els.map(el => [el.textContent.trim(), el.getBoundingClientRect()])
                 .filter(([, box]) => box.width < 24 || box.height < 24)
                 .map(([text]) => text)"""
        )
        assert small == [], f"smaller than 24×24 px on {path}"
    assert tab.page.locator(".pagination a").count() >= 1
