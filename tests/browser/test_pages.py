"""Every public page loads cleanly: no script errors, no blocked resources."""

import pytest
from taggit.models import Tag

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_public_pages_load_without_errors_or_csp_violations(open_page, long_article):
    author = long_article.bylines.get().author
    tag = Tag.objects.get(name="Diplomacy")
    paths = [
        "/",
        long_article.category.get_absolute_url(),
        long_article.get_absolute_url(),
        f"/tags/{tag.slug}/",
        author.get_absolute_url(),
        "/search/?q=diplomacy",
    ]
    for viewport in (PHONE, DESKTOP):
        tab = open_page(viewport=viewport)
        for path in paths:
            response = tab.open(path)
            assert response.status == 200, path
            # The policy is really in force, so a violation would show.
            assert "style-src 'self'" in response.headers["content-security-policy"]
            tab.page.wait_for_load_state("load")
            assert tab.page.evaluate(
                "[...document.styleSheets].some(s => s.href && s.href.includes('site.css') && s.cssRules.length > 50)"
            ), f"site stylesheet missing on {path}"
            assert tab.csp_violations() == [], path
        assert tab.errors == []
        assert tab.failed_requests == []


def test_missing_page_gets_the_designed_404(open_page, long_article):
    tab = open_page(viewport=PHONE)
    response = tab.open("/no-such-category/no-such-story/")
    assert response.status == 404
    page = tab.page
    assert page.locator("h1").inner_text() == "We can’t find that page"
    # The site's own header, navigation, search and footer frame it.
    assert page.locator(".site-header .wordmark").is_visible()
    assert page.locator(".category-nav a", has_text="World").is_visible()
    assert page.get_by_role("searchbox", name="Search our articles").is_visible()
    assert page.locator(".site-footer").is_visible()
    # ... and the stylesheet is applied: the headline is set in the serif face
    # and the skip link waits off screen.
    family = page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert "serif" in family and "Georgia" in family
    assert page.locator(".skip-link").bounding_box()["y"] < 0
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert tab.csp_violations() == []

    page.get_by_role("link", name="Go to the front page").click()
    page.wait_for_url(tab.base_url + "/")
    assert page.locator("h1").count() == 1
