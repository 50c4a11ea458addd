"""Two editors on one article in Chromium: the second is told the first has it
open. And a draft shared for review: made at the desk, copied, read by
someone without an account."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from articles import presence, roles
from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import check_page, desk_errors, log_in
from tests.factories import make_article, make_section, make_staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _editor(first_name: str, last_name: str):
    user = make_staff_user(first_name=first_name, last_name=last_name)
    user.groups.add(Group.objects.get(name=roles.EDITORS))
    return user


@pytest.fixture
def story() -> Article:
    article = make_article(
        title="Council plans a new bridge",
        status=Article.Status.DRAFT,
        published_at=None,
        sections=0,
    )
    make_section(article, heading="The plan", body="Work starts in spring.")
    return article


def test_an_editor_sees_who_else_has_the_article_open(open_page, story):
    change = reverse("admin:articles_article_change", args=[story.pk])
    first = open_page(viewport=DESKTOP)
    problems = log_in(first, _editor("Alex", "Chen"))
    first.open(change)
    expect(first.page.locator("#desk-presence")).to_be_empty()

    second = open_page(viewport=PHONE)
    sam = _editor("Sam", "Ray")
    problems += log_in(second, sam)
    second.open(change)

    notice = second.page.get_by_role("status").filter(has_text="Alex Chen")
    expect(notice).to_have_text(
        "Alex Chen is also editing this article (opened just now)."
    )
    problems += check_page(second, "change form with another editor")
    # Leaving the page says goodbye: nobody is listed any more.
    first.page.goto(first.base_url + reverse("admin:index"))
    for _ in range(50):
        if not presence.others(story.pk, sam):
            break
        time.sleep(0.1)
    second.page.reload()
    expect(second.page.locator("#desk-presence")).to_be_empty()
    assert problems == []
    assert desk_errors(first) == [] and desk_errors(second) == []
    assert first.csp_violations() == [] and second.csp_violations() == []


def test_an_editor_shares_a_draft_and_a_reviewer_reads_it(open_page, story):
    desk = open_page(
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    page = desk.page
    problems = log_in(desk, _editor("Eda", "Desk"))
    desk.open(reverse("admin:articles_article_change", args=[story.pk]))
    page.get_by_role("link", name="Make a link").click()
    problems += check_page(desk, "review links page")
    page.get_by_label("For:", exact=True).fill("Legal")
    page.get_by_role("button", name="Make the link").click()
    address = page.get_by_label("Review link").input_value()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    problems += check_page(desk, "a link just made")

    reviewer = open_page(viewport=PHONE)
    reviewer.page.goto(address)
    expect(reviewer.page.get_by_role("status")).to_contain_text(
        "Draft shared for review — not published."
    )
    expect(reviewer.page.get_by_role("heading", level=1)).to_have_text(story.title)
    problems += check_page(reviewer, "shared draft")

    page.get_by_role("button", name="Revoke the link for Legal").click()
    expect(page.locator(".messagelist")).to_contain_text("Link revoked")
    response = reviewer.page.reload()
    assert response is not None and response.status == 410
    expect(reviewer.page.get_by_role("heading", level=1)).to_have_text(
        "This review link was withdrawn"
    )
    assert problems == []
    assert desk_errors(desk) == []
