"""Reader comments in Chromium: posting with and without JavaScript, a
moderator approving from the admin, and the page cache around both."""

import importlib
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Response, expect

from comments.models import Comment, Subscriber
from tests.browser.conftest import DESKTOP, PHONE, BrowserPage
from tests.factories import make_article, make_comment, make_staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-for-tests-only"  # what make_staff_user gives every account


@pytest.fixture(autouse=True)
def post_at_once(settings):
    # The live server thread reads the same settings object.
    settings.NEWSROOM_COMMENT_MIN_SECONDS = 0


def reader(open_page, path: str, **options) -> tuple[BrowserPage, list[Response]]:
    """A fresh anonymous tab on ``path``, keeping the responses for that address."""
    tab = open_page(**options)
    seen: list[Response] = []
    tab.page.on(
        "response",
        lambda response: (
            seen.append(response) if urlsplit(response.url).path == path else None
        ),
    )
    tab.open(path)
    return tab, seen


def cookies_set(responses: list[Response]) -> list[str]:
    # Playwright leaves Set-Cookie out of ``headers``; ``all_headers()`` has it.
    assert responses, "no response for the article was seen"
    return [r.url for r in responses if "set-cookie" in r.all_headers()]


def x_cache(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return response.headers["X-Cache"]


def moderators_group() -> Group:
    """The group a data migration makes; remade as it does after a transactional
    test's flush has emptied the tables (permissions come back, groups do not)."""
    migration = importlib.import_module("comments.migrations.0003_moderators_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=[
                f"{action}_{model}"
                for model, actions in migration.PERMISSIONS.items()
                for action in actions
            ],
        )
    )
    return group


def assert_clean(tab: BrowserPage, expected_status: int | None = None) -> None:
    """No script or console errors, no CSP violations.

    Chromium logs every 4xx answer to ``fetch`` as a console error; a refusal
    the test provoked on purpose is passed as ``expected_status``.
    """
    provoked = f"console: Failed to load resource: the server responded with a status of {expected_status} "
    assert [e for e in tab.errors if not e.startswith(provoked)] == []
    # Without JavaScript the watcher script never runs, but Chromium still
    # logs each violation to the console, so ``errors`` catches it.
    assert tab.csp_violations() == []


def test_guest_comment_without_javascript_appears_once_a_moderator_approves(
    open_page, live_server
):
    article = make_article(title="Council approves the new river bridge")
    # Its own category and no tags: not related to the first, not its neighbour.
    other = make_article(title="Harvest festival returns to the square")
    path = article.get_absolute_url()
    text = "Good news for cyclists on the east bank, at last."

    tab, responses = reader(open_page, path, java_script_enabled=False)
    form = tab.page.locator("form.comment-form")
    form.get_by_label("Your comment").fill(text)
    form.get_by_label("Name", exact=True).fill("Nora Quill")
    form.get_by_label("E-mail", exact=True).fill("nora@example.com")
    with tab.page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Post comment").click()
    assert posted.value.status == 303
    tab.page.wait_for_url("**/comments/posted/**")
    expect(tab.page.locator("h1")).to_have_text("Your comment is held for moderation")
    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert_clean(tab)
    assert cookies_set(responses) == []

    before, responses = reader(open_page, path, java_script_enabled=False)
    expect(before.page.locator(".comments")).not_to_contain_text(text)
    expect(before.page.locator(".comments")).to_contain_text("No comments yet.")
    assert cookies_set(responses) == []
    # A page with nothing to do with the comment, cached before the decision.
    other_url = live_server.url + other.get_absolute_url()
    assert before.open(other.get_absolute_url()).headers["x-cache"] == "miss"
    assert x_cache(other_url) == "hit"

    moderator = make_staff_user(first_name="Mina", last_name="Desk")
    moderator.groups.add(moderators_group())
    assert not moderator.is_superuser
    assert moderator.has_perm("comments.change_comment")
    desk = open_page(viewport=DESKTOP)
    queue = reverse("admin:comments_comment_changelist")
    desk.open(f"{reverse('admin:login')}?next={queue}")
    desk.page.locator("#id_username").fill(moderator.username)
    desk.page.locator("#id_password").fill(PASSWORD)
    desk.page.locator("#id_password").press("Enter")
    desk.page.wait_for_url(f"**{queue}")
    row = desk.page.locator("#result_list tbody tr", has_text="Good news for cyclists")
    row.locator('input[name="_selected_action"]').check()
    desk.page.locator('select[name="action"]').select_option("approve")
    with desk.page.expect_navigation():
        desk.page.locator('button[name="index"]').click()
    expect(desk.page.locator(".messagelist")).to_contain_text("approved")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    # The admin links no icon, so Chromium's /favicon.ico request logs a 404
    # (not seen as a page request); anything else is a real error.
    assert desk.failed_requests == []
    assert_clean(desk, expected_status=404)

    after, responses = reader(open_page, path, java_script_enabled=False)
    expect(after.page.locator(f"#comment-{comment.pk}")).to_contain_text(text)
    expect(after.page.locator(f"#comment-{comment.pk}")).to_contain_text("Nora Quill")
    assert responses[0].headers["x-cache"] == "miss"
    assert cookies_set(responses) == []
    assert_clean(after)
    # Approving refreshed that article's pages only.
    assert x_cache(other_url) == "hit"


def test_posting_with_javascript_stays_on_the_page(open_page):
    article = make_article(title="Library opens on Sundays from next month")
    earlier = make_comment(
        article,
        author_name="Ida Marsh",
        author_email="ida@example.com",
        body="Finally somewhere quiet to read at the weekend.",
    )
    # Ida confirmed her address by e-mail: her comments need no moderator.
    Subscriber.objects.create(email="ida@example.com", confirmed_at=timezone.now())
    path = article.get_absolute_url()

    tab, responses = reader(open_page, path, viewport=PHONE)
    page = tab.page
    address = page.url
    # A reload or a navigation would lose this.
    page.evaluate("window.__samePage = true")
    form = page.locator("form[data-comment-form]")
    status = form.get_by_role("status")
    body = form.get_by_label("Your comment")
    name = form.get_by_label("Name", exact=True)

    # A trusted reader (an approved comment, a confirmed address) is published at once.
    body.fill("Will the children's section open on Sundays too?")
    name.fill("Ida Marsh")
    form.get_by_label("E-mail", exact=True).fill("ida@example.com")
    form.get_by_role("button", name="Post comment").click()
    expect(status).to_have_text("Thank you. Your comment is published.")
    first = page.locator("[data-comment-list] > li").first
    expect(first).to_contain_text("Will the children's section open on Sundays too?")
    expect(body).to_have_value("")
    # The count in the heading follows (the earlier comment, and this one).
    expect(page.locator("[data-comment-total]")).to_have_text("(2)")
    assert page.url == address
    assert page.evaluate("window.__samePage === true")

    # No name: the error is shown and the text is kept.
    name.fill("")
    body.fill("Sunday hours would suit shift workers well.")
    form.get_by_role("button", name="Post comment").click()
    expect(status).to_have_text("Please correct the problems below.")
    expect(form.locator(".field-error")).to_have_text(
        "Please give the name to show with your comment."
    )
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_value("Sunday hours would suit shift workers well.")
    assert Comment.objects.filter(article=article).count() == 2

    # Reply: the form moves under the comment replied to.
    page.locator(f"#comment-{earlier.pk} [data-reply-to]").click()
    expect(
        page.locator(f"#comment-{earlier.pk} + form[data-comment-form]")
    ).to_have_count(1)
    expect(form.locator("[data-form-heading]")).to_have_text("Your reply")
    expect(body).to_be_focused()
    body.fill("Agreed, and the café should open with it.")
    name.fill("Ida Marsh")
    form.get_by_role("button", name="Post comment").click()
    expect(status).to_have_text("Thank you. Your comment is published.")
    replies = page.locator(f'[data-replies-to="{earlier.pk}"]')
    expect(replies).to_contain_text("Agreed, and the café should open with it.")
    expect(body).to_have_value("")
    # The reader is taken to their reply, not left where the form went back to.
    expect(replies.locator(".comment").last).to_be_focused()
    reply = Comment.objects.get(body="Agreed, and the café should open with it.")
    assert reply.parent_id == earlier.pk
    assert reply.status == Comment.Status.APPROVED

    assert page.url == address
    assert page.evaluate("window.__samePage === true")
    assert_clean(tab, expected_status=400)
    assert tab.failed_requests == [
        f"400 {tab.base_url}/comments/articles/{article.pk}/post/"
    ]
    assert cookies_set(responses) == []
