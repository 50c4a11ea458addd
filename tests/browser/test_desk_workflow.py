"""A story's way through the desk in Chromium: a writer submits it for review,
an editor finds it on the desk's home page, fixes what the checklist says
and publishes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import roles
from articles.models import Article
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import (
    check_page,
    desk_errors,
    log_in,
)
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_staff_user,
    make_table,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Bridge reopens after repairs"


def _person(group: str, first_name: str):
    user = make_staff_user(first_name=first_name, last_name="Desk")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_writer_submits_and_editor_fixes_and_publishes(open_page):
    category = make_category(name="City", slug="city")
    writer = _person(roles.WRITERS, "Wren")
    make_author(name="Wren Writer", user=writer)
    editor = _person(roles.EDITORS, "Eda")

    # The writer drafts the story, forgetting the standfirst, and submits it.
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    problems = log_in(tab, writer)
    tab.open(reverse("admin:articles_article_add"))
    problems += check_page(tab, "writer's new article")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_category").select_option(label=category.name)
    page.get_by_role("button", name="Add another Byline").click()
    page.locator("#bylines-group .select2-selection").last.click()
    page.locator(".select2-search__field").fill("Wren")
    page.get_by_role("option", name="Wren Writer").click()
    page.get_by_role("button", name="Add another Section").click()
    section = page.locator(".sections-inline .inline-related:not(.empty-form)").last
    section.get_by_label("Heading").fill("What was repaired")
    section.get_by_label("Body").fill(
        "The deck and both railings were [replaced](https://example.org)."
    )
    # The count follows the typing: 3 words of heading, 7 of text.
    expect(page.locator("#desk-word-count")).to_have_text("10")
    status = page.locator("#id_status")
    expect(status.locator("option")).to_have_text(["Draft", "In review"])
    status.select_option(label="In review")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review.")
    expect(page.locator("#desk-status")).to_contain_text("In review")
    article = Article.objects.get(slug="bridge-reopens-after-repairs")
    assert article.status == Article.Status.REVIEW
    assert tab.csp_violations() == []
    assert desk_errors(tab) == []

    # An editor finds it waiting on the desk's home page, on a phone.
    desk = open_page(viewport=PHONE)
    page = desk.page
    problems += log_in(desk, editor)
    waiting = page.get_by_role("region", name="Waiting for review (1)")
    problems += check_page(desk, "desk home")
    waiting.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/{article.pk}/change/")
    checklist = page.get_by_role("region", name="Before publishing")
    expect(checklist).to_contain_text("Must be fixed first (1)")
    problems += check_page(desk, "change form with a checklist")

    # Publishing as it stands is refused, and nothing changes.
    page.locator("#id_status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#desk-status")).to_contain_text("In review")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW

    # The checklist's link leads to the field; filled in, the story goes live.
    checklist.get_by_role("link", name="No standfirst").click()
    expect(page.locator("#id_standfirst")).to_be_in_viewport()
    page.locator("#id_standfirst").fill("Cyclists and walkers can cross again.")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Published.")
    banner = page.locator("#desk-status")
    expect(banner).to_contain_text("Live")
    expect(banner.get_by_role("link", name="View it on the site")).to_have_attribute(
        "href", article.get_absolute_url()
    )
    expect(page.get_by_role("region", name="Before publishing")).to_contain_text(
        "Nothing to fix"
    )
    problems += check_page(desk, "published change form")
    article.refresh_from_db()
    assert article.is_public

    assert problems == []
    assert desk_errors(desk) == []
    assert desk.failed_requests == [] and tab.failed_requests == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_desk_home_and_banners_are_readable(open_page, scheme):
    editor = _person(roles.EDITORS, "Eda")
    make_article(title="Waiting story", status="review", published_at=None)
    scheduled = make_article(
        title="Later story", published_at=timezone.now() + timedelta(hours=3)
    )
    make_table(scheduled, caption="")  # an error in the checklist
    make_article(title="My draft", status="draft", published_at=None, created_by=editor)
    tab = open_page(viewport=PHONE, color_scheme=scheme)
    problems = log_in(tab, editor)
    expect(tab.page.get_by_role("region", name="Scheduled (1)")).to_contain_text(
        "Later story"
    )
    problems += check_page(tab, f"desk home ({scheme})")
    tab.open(reverse("admin:articles_article_change", args=[scheduled.pk]))
    expect(tab.page.locator("#desk-status")).to_contain_text("Scheduled")
    problems += check_page(tab, f"scheduled article ({scheme})")
    assert problems == []
    assert desk_errors(tab) == []
