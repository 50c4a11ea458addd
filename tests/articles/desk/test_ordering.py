"""Ordering an article's parts at the desk, and placing tables in sections.

Sections, tables, FAQ items and bylines are ordered by dragging or with Move
buttons, which set each row's hidden position; a new row is saved after the
stored ones; a table is placed in a section named on the same form, even one
that is saved in the same request.
"""

import re

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleTable, FaqItem
from tests.articles.desk.parts_forms import (
    add_rows,
    add_url,
    change_url,
    errors_of,
    new_article,
    page_form,
    table_row,
)
from tests.factories import (
    make_article,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    """A draft with two FAQ items, stored at positions 1 and 2."""
    article = make_article(status="draft", published_at=None, sections=0)
    make_faq_item(article, question="First?", position=1)
    make_faq_item(article, question="Second?", position=2)
    return article


def questions(article: Article) -> list[str]:
    return list(
        FaqItem.objects.filter(article=article).values_list("question", flat=True)
    )


def test_parts_are_ordered_with_hidden_positions_and_the_desks_script(
    editor_client, draft
):
    html = editor_client.get(change_url(draft)).content.decode()
    page = lxml.html.fromstring(html)
    for prefix in ("bylines", "sections", "tables", "faq_items"):
        (fieldset,) = page.xpath(f'//div[@id="{prefix}-group"]/fieldset')
        assert "sortable" in fieldset.get("class").split(), prefix
    position = page.xpath('//input[@name="faq_items-0-position"]')[0]
    assert position.get("type") == "hidden"
    assert "_reorder_" in position.get("class")
    scripts = page.xpath("//script/@src")
    assert any(
        src.endswith("adminsortable2/js/adminsortable2.min.js") for src in scripts
    )
    assert any(src.endswith("js/desk-parts.js") for src in scripts)


def test_every_script_and_stylesheet_of_the_change_form_exists(editor_client, draft):
    # The library names a copy of actions.js after Django's version; it ships
    # none for 6.1, which the manifest storage would refuse with a 500.
    html = editor_client.get(change_url(draft)).content.decode()
    page = lxml.html.fromstring(html)
    files = page.xpath("//script/@src") + page.xpath('//link[@rel="stylesheet"]/@href')
    static = [re.sub(r"^/static/", "", f) for f in files if f.startswith("/static/")]
    assert static
    missing = [name for name in static if finders.find(name) is None]
    assert missing == []


def test_new_faq_items_are_saved_after_the_stored_ones(editor_client, draft):
    data = page_form(editor_client, change_url(draft))
    add_rows(
        data,
        "faq_items",
        [
            {"question": "Third?", "answer": "Yes."},
            {"question": "Fourth?", "answer": "No."},
        ],
    )
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)
    assert questions(draft) == ["First?", "Second?", "Third?", "Fourth?"]
    assert list(
        FaqItem.objects.filter(article=draft).values_list("position", flat=True)
    ) == [1, 2, 3, 4]


def test_a_new_articles_parts_are_numbered_in_the_order_they_were_added(
    editor_client,
):
    data = new_article(editor_client, make_category())
    add_rows(
        data,
        "sections",
        [
            {"kind": "text", "heading": f"Part {n}", "body": "Text."}
            for n in range(1, 4)
        ],
    )
    add_rows(
        data,
        "faq_items",
        [{"question": f"Question {n}?", "answer": "Answer."} for n in range(1, 4)],
    )
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302, errors_in(response)
    article = Article.objects.get(slug="harbour-reopens")
    assert list(article.sections.values_list("heading", "position")) == [
        ("Part 1", 1),
        ("Part 2", 2),
        ("Part 3", 3),
    ]
    assert list(article.faq_items.values_list("position", flat=True)) == [1, 2, 3]


def test_positions_set_by_dragging_or_the_buttons_are_kept(editor_client, draft):
    data = page_form(editor_client, change_url(draft))
    # What the script sends after "Second?" was moved up.
    data["faq_items-0-position"], data["faq_items-1-position"] = "2", "1"
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)
    assert questions(draft) == ["Second?", "First?"]


def test_a_new_item_moved_above_the_stored_ones_stays_there(editor_client, draft):
    data = page_form(editor_client, change_url(draft))
    add_rows(data, "faq_items", [{"question": "Urgent?", "answer": "Very."}])
    data.update(
        {
            "faq_items-2-position": "1",
            "faq_items-0-position": "2",
            "faq_items-1-position": "3",
        }
    )
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)
    assert questions(draft) == ["Urgent?", "First?", "Second?"]


def test_an_empty_new_row_that_was_only_moved_is_left_out(editor_client, draft):
    data = page_form(editor_client, change_url(draft))
    add_rows(data, "faq_items", [{"question": "", "answer": ""}])
    data["faq_items-2-position"] = "3"  # numbered by the Move buttons
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)
    assert questions(draft) == ["First?", "Second?"]


def test_new_rows_ask_for_the_highest_position_once(editor_client, draft):
    data = page_form(editor_client, change_url(draft))
    add_rows(
        data,
        "faq_items",
        [{"question": f"Extra {n}?", "answer": "Yes."} for n in range(10)],
    )
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)
    highest = [
        q["sql"]
        for q in queries.captured_queries
        if "MAX(" in q["sql"].upper() and "faqitem" in q["sql"].lower()
    ]
    assert len(highest) == 1, highest
    assert questions(draft)[-1] == "Extra 9?"


def errors_in(response) -> str:
    if response.status_code != 200:
        return str(response.status_code)
    page = lxml.html.fromstring(response.content.decode())
    return " | ".join(
        li.text_content() for li in page.xpath('//ul[contains(@class, "errorlist")]/li')
    )


# Tables placed in sections.


def test_a_table_goes_in_a_section_added_on_the_same_first_save(editor_client):
    data = new_article(editor_client, make_category())
    _, numbers = add_rows(
        data,
        "sections",
        [
            {"kind": "text", "heading": "", "body": "Opening."},
            {"kind": "text", "heading": "The numbers", "body": "Counted."},
        ],
    )
    # The script's list names a section by its form on the page.
    add_rows(data, "tables", [table_row(section=numbers)])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302, errors_in(response)
    article = Article.objects.get(slug="harbour-reopens")
    table = ArticleTable.objects.get(article=article)
    assert table.section == article.sections.get(heading="The numbers")
    assert table.rows == [["Month", "Boats"], ["May", "12"], ["June", "30"]]


def test_without_the_script_a_typed_heading_places_the_table(editor_client):
    data = new_article(editor_client, make_category())
    add_rows(
        data,
        "sections",
        [{"kind": "text", "heading": "The Numbers", "body": "Counted."}],
    )
    add_rows(data, "tables", [table_row(section="  the numbers ")])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302, errors_in(response)
    table = ArticleTable.objects.get()
    assert table.section.heading == "The Numbers"


def test_a_table_moves_to_another_saved_section_and_stays_when_untouched(
    editor_client,
):
    article = make_article(status="draft", published_at=None, sections=0)
    first = make_section(article, heading="First", position=1)
    second = make_section(article, heading="", position=2)
    table = make_table(article, section=first, caption="Kept")
    data = page_form(editor_client, change_url(article))
    # The page names the saved section in the box: its heading.
    assert data["tables-0-section"] == "First"
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_in(response)
    table.refresh_from_db()
    assert table.section == first
    # An untouched table is not written again (nor shown as changed in history).
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "articles_articletable"')
    ]
    assert writes == []

    data = page_form(editor_client, change_url(article))
    data["tables-0-section"] = "sections-1"  # the section without a heading
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_in(response)
    table.refresh_from_db()
    assert table.section == second


def test_a_table_in_a_section_without_heading_keeps_its_place_without_the_script(
    editor_client,
):
    article = make_article(status="draft", published_at=None, sections=0)
    make_section(article, heading="Top", position=1)
    untitled = make_section(article, heading="", position=2)
    table = make_table(article, section=untitled)
    data = page_form(editor_client, change_url(article))
    assert data["tables-0-section"] == "sections-1"
    data["tables-0-caption"] = "Renamed"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_in(response)
    table.refresh_from_db()
    assert (table.caption, table.section) == ("Renamed", untitled)


def test_a_table_can_be_taken_out_of_its_section(editor_client):
    article = make_article(status="draft", published_at=None, sections=0)
    table = make_table(article, section=make_section(article, heading="Only"))
    data = page_form(editor_client, change_url(article))
    data["tables-0-section"] = ""
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_in(response)
    table.refresh_from_db()
    assert table.section is None


@pytest.mark.parametrize(
    ("sections", "typed", "message"),
    [
        ([], "Background", "No section of this article has the heading “Background”"),
        (
            ["Background", "background"],
            "Background",
            "2 sections have the heading “Background”",
        ),
    ],
)
def test_a_heading_that_names_no_single_section_is_explained(
    editor_client, sections, typed, message
):
    data = new_article(editor_client, make_category())
    add_rows(
        data,
        "sections",
        [{"kind": "text", "heading": h, "body": "Text."} for h in sections],
    )
    add_rows(data, "tables", [table_row(section=typed)])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response, "id_tables-0-section"))
    assert not Article.objects.exists()


def test_a_table_cannot_go_in_a_section_being_deleted(editor_client):
    article = make_article(status="draft", published_at=None, sections=0)
    make_section(article, heading="Going", position=1)
    data = page_form(editor_client, change_url(article))
    data["sections-0-DELETE"] = "on"
    add_rows(data, "tables", [table_row(section="sections-0")])
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    (error,) = errors_of(response, "id_tables-0-section")
    assert "The section “Going” is being deleted" in error
    assert article.sections.exists()
    assert not ArticleTable.objects.exists()


def test_a_forged_section_of_another_article_is_not_used(editor_client):
    other = make_article(status="draft", published_at=None, sections=0)
    theirs = make_section(other, heading="Theirs")
    article = make_article(status="draft", published_at=None, sections=0)
    data = page_form(editor_client, change_url(article))
    # Claims another article's section as one of this article's saved ones.
    data.update(
        {
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "1",
            "sections-0-id": str(theirs.pk),
            "sections-0-heading": "Mine now",
            "sections-0-kind": "text",
            "sections-0-position": "1",
        }
    )
    add_rows(data, "tables", [table_row(section="sections-0")])
    editor_client.post(change_url(article), data)
    theirs.refresh_from_db()
    assert (theirs.article, theirs.heading) == (other, "Theirs")
    assert not ArticleTable.objects.filter(section=theirs).exists()


def test_more_tables_in_sections_cost_no_more_queries(editor_client):
    article = make_article(status="draft", published_at=None, sections=0)
    sections = [make_section(article, heading=f"S{n}") for n in range(3)]
    url = change_url(article)

    def queries_for_the_change_form() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == 200
        return len(queries)

    make_table(article, section=sections[0])
    editor_client.get(url)  # the session and the like, once
    with_one = queries_for_the_change_form()
    for section in sections:
        make_table(article, section=section)
    # Each table names its section: joined, not asked for one by one.
    assert queries_for_the_change_form() == with_one
