"""An editor orders an article's parts and places a table, in Chromium.

The FAQ is reordered with the keyboard (the Move buttons) and by dragging a
question by its title bar; a pasted table is placed in a section of a new
article on its first save; at a desktop's width and a phone's no field of
the parts reaches past the screen; axe finds nothing serious in the parts,
with no exception for Django's tabular rows.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from articles.models import Article, FaqItem
from tests.browser.conftest import DESKTOP, BrowserPage
from tests.factories import make_article, make_category, make_faq_item, make_staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-for-tests-only"  # tests.factories.make_staff_user
PHONE_390 = {"width": 390, "height": 844}
PARTS = ".inline-group"
# The desk does not link a favicon; the browser asks for one and gets a 404.
NOT_FOUND = (
    "console: Failed to load resource: the server responded with a status of 404 "
    "(Not Found)"
)


@pytest.fixture
def editor():
    user = make_staff_user(first_name="Eda", last_name="Desk")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    return user


def log_in(tab: BrowserPage, user) -> None:
    index = reverse("admin:index")
    tab.open(reverse("admin:login") + f"?next={index}")
    tab.page.get_by_label("Username").fill(user.username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Log in").click()
    tab.page.wait_for_url("**" + index)


def rows(page: Page, prefix: str) -> Locator:
    return page.locator(f"#{prefix}-group .inline-related:not(.empty-form)")


def add_row(page: Page, prefix: str, button: str) -> Locator:
    page.get_by_role("button", name=button).click()
    return rows(page, prefix).last


def parts_findings(page: Page) -> list[str]:
    """Serious and critical axe findings inside the article's parts."""
    findings = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            selector = node["target"][-1]
            inside = page.locator(selector).first.evaluate(
                f"el => !!el.closest({PARTS!r})"
            )
            if inside:
                findings.append(f"{violation['id']} {selector}: {node['html'][:120]}")
    return findings


def fields_past_the_screen(page: Page) -> list[str]:
    return page.evaluate(
        """(parts) => Array.from(document.querySelectorAll(
              `${parts} input, ${parts} select, ${parts} textarea, ${parts} button,`
              + ` ${parts} .select2-container`))
            .filter((el) => el.offsetParent !== null && !el.closest(".empty-form"))
            .filter((el) => {
              const box = el.getBoundingClientRect();
              return box.width > 0 && (box.left < 0 || box.right > window.innerWidth);
            })
            .map((el) => `${el.name || el.className}: ${Math.round(
              el.getBoundingClientRect().right)} > ${window.innerWidth}`)""",
        PARTS,
    )


def drag(page: Page, source: Locator, target: Locator) -> None:
    """Press on ``source``, move in small steps onto ``target``'s top, let go."""
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    x = start["x"] + 40
    y = start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x, y + (end["y"] + 5 - y) * step / 20)
        page.wait_for_timeout(20)
    page.mouse.up()


def questions(article: Article) -> list[str]:
    return list(article.faq_items.values_list("question", flat=True))


def test_editor_orders_the_faq_and_places_a_table_on_the_first_save(open_page, editor):
    category = make_category(name="City")
    tab = open_page(viewport=DESKTOP)
    page = tab.page
    log_in(tab, editor)
    tab.open(reverse("admin:articles_article_add"))
    page.get_by_label("Title").fill("Harbour reopens")
    page.get_by_label("Title").press("Tab")
    page.get_by_label("Standfirst").fill("Boats are back after the repairs.")
    page.get_by_label("Category").select_option(label=category.name)

    for heading, body in (("The repairs", "Two years."), ("The numbers", "Boats.")):
        section = add_row(page, "sections", "Add another Section")
        section.get_by_label("Heading").fill(heading)
        section.get_by_label("Body").fill(body)

    table = add_row(page, "tables", "Add another Article table")
    table.get_by_label("Caption").fill("Boats by month")
    table.get_by_role("textbox", name="Rows").fill("Month\tBoats\nMay\t12\nJune\t30")
    # The section list is made from the headings typed above, not yet saved.
    picker = table.get_by_label("Section")
    assert picker.evaluate("el => el.tagName") == "SELECT"
    picker.select_option(label="The numbers")

    for question in ("When?", "Where?", "Who?"):
        item = add_row(page, "faq_items", "Add another FAQ item")
        item.get_by_label("Question").fill(question)
        item.get_by_label("Answer").fill(f"Answer to {question}")
    # With the keyboard: "Who?" goes up twice, to the top.
    move_up = (
        rows(page, "faq_items").nth(2).get_by_role("button", name="Move up")
    ).element_handle()
    move_up.focus()
    page.keyboard.press("Enter")
    # The button moved with its question and kept the focus.
    assert page.evaluate("button => document.activeElement === button", move_up)
    page.keyboard.press("Space")
    expect(page.locator(".desk-visually-hidden[role=status]")).to_have_text(
        "“Who?” is now 1 of 3."
    )
    expect(rows(page, "faq_items").first.get_by_label("Question")).to_have_value("Who?")
    problems = parts_findings(page)

    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="harbour-reopens")
    placed = article.tables.get()
    assert placed.section == article.sections.get(heading="The numbers")
    assert questions(article) == ["Who?", "When?", "Where?"]

    # By dragging the saved questions by their title bars: "Where?" to the top.
    expect(page.locator("#faq_items-group fieldset.sortable")).to_have_count(1)
    titles = rows(page, "faq_items").locator("h3")
    drag(page, titles.nth(2), titles.nth(0))
    expect(rows(page, "faq_items").first.get_by_label("Question")).to_have_value(
        "Where?"
    )
    problems += parts_findings(page)
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert questions(article) == ["Where?", "Who?", "When?"]
    # The table stayed in its section through the second save.
    placed.refresh_from_db()
    assert placed.section.heading == "The numbers"
    expect(rows(page, "tables").first.get_by_label("Section")).to_have_value(
        rows(page, "sections").nth(1).get_attribute("id")
    )

    assert problems == []
    assert tab.csp_violations() == []
    assert [e for e in tab.errors if e != NOT_FOUND] == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["1280", "390"])
def test_no_field_of_the_parts_reaches_past_the_screen(open_page, editor, viewport):
    article = make_article(
        status="draft",
        published_at=None,
        sections=2,
        title="A long article about the harbour",
    )
    for n in range(2):
        make_faq_item(article, question=f"A rather long question number {n}? " * 4)
    article.tables.create(
        caption="Wide table",
        rows=[[f"Column heading {n}" for n in range(8)]] * 3,
    )
    tab = open_page(viewport=viewport)
    log_in(tab, editor)
    tab.open(reverse("admin:articles_article_change", args=[article.pk]))
    page = tab.page
    page.wait_for_load_state("load")
    add_row(page, "faq_items", "Add another FAQ item")
    assert fields_past_the_screen(page) == []
    # The Move buttons sit inside their part's title bar, however narrow.
    outside = page.evaluate(
        """() => Array.from(document.querySelectorAll(".desk-move .button"))
            .filter((b) => b.offsetParent !== null && !b.closest(".empty-form"))
            .filter((b) => {
              const box = b.getBoundingClientRect();
              const bar = b.closest("h3, td").getBoundingClientRect();
              return box.top < bar.top || box.bottom > bar.bottom
                || box.right > window.innerWidth;
            }).length"""
    )
    assert outside == 0
    assert parts_findings(page) == []
    assert FaqItem.objects.filter(article=article).count() == 2


def test_removing_an_unsaved_item_after_moves_keeps_the_stored_ones(open_page, editor):
    # Django numbers the rows again, in page order, when an unsaved one is
    # removed; stored rows must keep the first numbers or they would be saved
    # as new copies.
    article = make_article(status="draft", published_at=None, sections=1)
    make_faq_item(article, question="Stored first?", position=1)
    make_faq_item(article, question="Stored second?", position=2)
    tab = open_page(viewport=DESKTOP)
    log_in(tab, editor)
    tab.open(reverse("admin:articles_article_change", args=[article.pk]))
    page = tab.page
    page.wait_for_load_state("load")
    # Rows are found by their id: "last" changes as they move.
    new = page.locator(
        "#" + add_row(page, "faq_items", "Add another FAQ item").get_attribute("id")
    )
    new.get_by_label("Question").fill("Added on top?")
    new.get_by_label("Answer").fill("Yes.")
    for _ in range(2):
        new.get_by_role("button", name="Move up").click()
    spare = page.locator(
        "#" + add_row(page, "faq_items", "Add another FAQ item").get_attribute("id")
    )
    spare.get_by_role("button", name="Move up").click()
    spare.get_by_role("button", name="Remove").click()
    expect(rows(page, "faq_items")).to_have_count(3)
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert questions(article) == ["Added on top?", "Stored first?", "Stored second?"]
