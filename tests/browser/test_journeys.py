"""Whole journeys through the site in Chromium, checked with axe-core.

A reader goes from the front page to an article, follows its contents and
comments; every public page type is checked at a phone's width and a
desktop's in both colour schemes; a moderator approves a comment and an
editor adds an article at the desk (Django's admin). On every page: no serious
or critical axe violation, no console error, no Content Security Policy
violation and, at 360 px, no sideways scrolling.

axe is injected with Playwright's ``page.evaluate``, which Chromium runs
through the DevTools protocol and not as a page script, so the site's policy
(scripts from 'self' only) does not block it and the tabs keep the policy in
force: no ``bypass_csp`` is needed, and a violation would still be caught.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import Page, expect
from taggit.models import Tag

from articles.models import Article
from comments.models import Comment
from comments.signing import posted_token
from tests.browser.conftest import DESKTOP, PHONE, BrowserPage
from tests.browser.test_comments import PASSWORD, moderators_group
from tests.factories import make_comment, make_staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
BLOCKING = ("serious", "critical")

# Chromium logs each error answer as a console error. The only ones expected:
# the 404 page itself and, at the desk, the /favicon.ico the admin does not link.
NOT_FOUND = (
    "console: Failed to load resource: the server responded with a status of 404 "
    "(Not Found)"
)


@pytest.fixture(autouse=True)
def post_at_once(settings):
    # The live server thread reads the same settings object.
    settings.NEWSROOM_COMMENT_MIN_SECONDS = 0


def axe_findings(page: Page) -> list[str]:
    """Serious and critical axe violations on the page as it stands, one line
    per element."""
    findings = []
    for violation in AXE.run(page).response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            selector = node["target"][-1]
            findings.append(
                f"{violation['id']} ({violation['impact']}) {selector}: "
                f"{node['html'][:160]}"
            )
    return findings


def check_page(tab: BrowserPage, where: str) -> list:
    """What is wrong with the page: axe's serious and critical findings, CSP
    violations and, at a phone's width, sideways scrolling."""
    page = tab.page
    page.wait_for_load_state("load")
    problems = [f"{where}: {finding}" for finding in axe_findings(page)]
    problems += [f"{where}: CSP {v}" for v in tab.csp_violations()]
    if page.viewport_size["width"] <= PHONE["width"] and page.evaluate(
        "document.scrollingElement.scrollWidth > window.innerWidth"
    ):
        problems.append(
            f"{where}: scrolls sideways at {page.viewport_size['width']} px"
        )
    return problems


# The cells of a list at the desk that the list's box cuts off (it scrolls
# sideways inside the page rather than past the screen).
_CUT_OFF = """
() => {
  const box = document.querySelector("#changelist .results").getBoundingClientRect();
  return [...document.querySelectorAll("#result_list thead th")]
    .filter((cell) => cell.getBoundingClientRect().right > box.right + 0.5)
    .map((cell) => cell.textContent.trim());
}
"""


def list_columns_cut_off(page: Page) -> list[str]:
    """The headings of the desk list's columns that do not fit in its box."""
    return page.evaluate(_CUT_OFF)


def desk_errors(tab: BrowserPage) -> list[str]:
    return [error for error in tab.errors if error != NOT_FOUND]


@pytest.fixture
def discussed(long_article) -> dict:
    """The rich article (sections, a table, FAQ) with a discussion: a thread
    with two replies, another comment, and one held for a moderator."""
    thread = make_comment(
        long_article,
        author_name="Ida Marsh",
        body="The timetable matters more than the venue.\n\nElections first.",
    )
    make_comment(long_article, author_name="Tom Reed", parent=thread, body="Agreed.")
    make_comment(long_article, author_name="Ana Lis", parent=thread, body="Not so.")
    make_comment(long_article, author_name="Ben Ode", body="Observers first, surely.")
    held = make_comment(
        long_article,
        author_name="Nora Quill",
        body="Will the observers report in public?",
        status=Comment.Status.PENDING,
        rule=Comment.Rule.FIRST_TIME,
    )
    return {"article": long_article, "thread": thread, "held": held}


def test_reader_goes_from_the_front_page_to_a_section_and_comments(
    open_page, long_article
):
    tab = open_page(viewport=PHONE)
    page = tab.page
    tab.open("/")
    problems = check_page(tab, "front page")

    page.get_by_role("link", name=long_article.title).first.click()
    page.wait_for_url("**" + long_article.get_absolute_url())
    problems += check_page(tab, "article")

    # On a phone the contents start folded; the reader opens them first.
    contents = page.locator("details[data-contents]")
    if not contents.evaluate("el => el.open"):
        contents.locator("summary").click()
    link = page.locator("nav.toc a", has_text="Part 4:")
    anchor = link.evaluate("a => a.hash.slice(1)")
    link.click()
    page.wait_for_function(
        """(anchor) => {
          const heading = document.getElementById(anchor);
          const box = heading.getBoundingClientRect();
          return document.querySelector(":target") === heading
            && box.top >= -1 && box.bottom <= window.innerHeight + 1;
        }""",
        arg=anchor,
    )
    assert page.locator(f"#{anchor}").evaluate("el => el.tagName") == "H2"
    problems += check_page(tab, "article at a section")

    form = page.locator("form[data-comment-form]")
    form.get_by_label("Your comment").fill("Elections first, then everything else.")
    form.get_by_label("Name", exact=True).fill("Nora Quill")
    form.get_by_label("E-mail", exact=True).fill("nora@example.com")
    form.get_by_role("button", name="Post comment").click()
    # A first comment is held; the words say so (HELD and FIRST_TIME alike).
    expect(form.get_by_role("status")).to_contain_text(
        "once a moderator has approved it"
    )
    assert Comment.objects.get(article=long_article).status == Comment.Status.PENDING
    problems += check_page(tab, "article after posting")

    assert problems == []
    assert tab.errors == []
    assert tab.failed_requests == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_public_page_type_passes_axe(open_page, discussed, viewport, scheme):
    article: Article = discussed["article"]
    thread: Comment = discussed["thread"]
    tag = Tag.objects.get(name="Diplomacy")
    pages = {
        "front page": "/",
        "category": article.category.get_absolute_url(),
        "tag": f"/tags/{tag.slug}/",
        "author": article.bylines.first().author.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search results": "/search/?q=diplomacy",
        "search without results": "/search/?q=xylophone",
        "article's comments": reverse("comments:list", args=[article.pk]),
        "comment thread": reverse("comments:thread", args=[thread.pk]),
        "reply": reverse("comments:reply", args=[thread.pk]),
        "report": reverse("comments:report", args=[thread.pk]),
        "comment result": reverse(
            "comments:posted", args=[posted_token(discussed["held"].pk)]
        ),
    }
    tab = open_page(viewport=viewport, color_scheme=scheme)
    problems = []
    for where, path in pages.items():
        assert tab.open(path).status == 200, where
        problems += check_page(tab, where)
    assert tab.errors == []
    assert tab.failed_requests == []

    assert tab.open("/no-such-category/no-such-story/").status == 404
    problems += check_page(tab, "404")
    assert problems == []
    assert set(tab.errors) <= {NOT_FOUND}


def log_in(tab: BrowserPage, user) -> list[str]:
    """Open the desk, log in on its own login page; what was wrong with that page."""
    index = reverse("admin:index")  # the desk's address is configurable
    tab.open(index)
    tab.page.wait_for_url(f"**{reverse('admin:login')}?next={index}")
    problems = check_page(tab, "desk login")
    tab.page.get_by_label("Username").fill(user.username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_url("**" + index)
    return problems


def open_from_desk_index(page: Page, model: str) -> None:
    page.get_by_role("rowheader", name=model, exact=True).get_by_role("link").click()


def test_moderator_approves_a_comment_from_the_queue(open_page, discussed):
    held: Comment = discussed["held"]
    moderator = make_staff_user(first_name="Mina", last_name="Desk")
    moderator.groups.add(moderators_group())
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    problems = log_in(tab, moderator)

    open_from_desk_index(page, "Comments")
    page.get_by_role("link", name="Needs a decision").click()
    page.wait_for_url("**queue=decide**")
    problems += check_page(tab, "comment queue")
    assert list_columns_cut_off(page) == []
    page.locator("#result_list").get_by_role("link", name=held.body).click()
    page.wait_for_url(f"**/{held.pk}/change/**")
    problems += check_page(tab, "comment change form")
    page.get_by_label("Status").select_option(label="Approved")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    # Back in the queue, which no longer holds it.
    assert "queue=decide" in page.url
    expect(page.get_by_role("link", name=held.body)).to_have_count(0)
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    assert held.decided_by == moderator

    assert problems == []
    assert desk_errors(tab) == []
    assert tab.failed_requests == []


def test_editor_adds_an_article(open_page, long_article):
    editor = make_staff_user(first_name="Eda", last_name="Desk")
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    problems = log_in(tab, editor)

    open_from_desk_index(page, "Articles")
    page.wait_for_url("**" + reverse("admin:articles_article_changelist"))
    problems += check_page(tab, "article list")

    page.get_by_role("link", name="Add article").click()
    page.wait_for_url("**" + reverse("admin:articles_article_add"))
    problems += check_page(tab, "new article form")
    title = page.get_by_label("Title")
    title.fill("Bridge reopens after repairs")
    title.press("Tab")  # the admin's script makes the slug from what was typed
    expect(page.get_by_label("Slug")).to_have_value("bridge-reopens-after-repairs")
    page.get_by_label("Standfirst").fill("Cyclists and walkers can cross again.")
    page.get_by_label("Category").select_option(label=long_article.category.name)
    page.get_by_role("button", name="Add another Section").click()
    section = page.locator(".sections-inline .inline-related:not(.empty-form)").last
    section.get_by_label("Heading").fill("What was repaired")
    section.get_by_label("Body").fill("The deck and both railings.")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="bridge-reopens-after-repairs")
    assert article.category == long_article.category
    assert [s.heading for s in article.sections.all()] == ["What was repaired"]
    problems += check_page(tab, "article change form")

    # An article with bylines, a table and FAQ fills every inline.
    tab.open(reverse("admin:articles_article_change", args=[long_article.pk]))
    problems += check_page(tab, "full article change form")

    assert problems == []
    assert desk_errors(tab) == []
    assert tab.failed_requests == []
