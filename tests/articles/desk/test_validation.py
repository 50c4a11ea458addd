"""Mistakes explained where the editor looks, and labels that say what the page shows.

Ragged tables are refused with the row named, a slug already taken is an
error on the slug with a free one suggested, a source note is not given a
second "Source:", and the importer's fields can be edited at the desk.
"""

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article, ArticleTable, Author, Category, Section
from tests.articles.desk.parts_forms import (
    add_rows,
    add_url,
    change_url,
    errors_of,
    new_article,
    page_form,
    table_row,
)
from tests.factories import make_article, make_author, make_category, make_table

pytestmark = pytest.mark.django_db


def page_of(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


def non_field_errors(response) -> list[str]:
    return [
        li.text_content()
        for li in page_of(response).xpath('//ul[contains(@class, "nonfield")]/li')
    ]


# Ragged tables.


def test_a_ragged_table_is_refused_with_the_row_named(editor_client):
    data = new_article(editor_client, make_category())
    rows = "Name\tRole\tSince\nAda\tEngineer\t1843\nGrace\tAdmiral\t1943\t!\nAlan"
    add_rows(data, "tables", [table_row(data=rows)])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 200
    errors = errors_of(response, "id_tables-0-data")
    assert errors[0].startswith("Row 3 has 4 cells; the header row has 3.")
    assert "row 3 begins “Grace”" in errors[0]
    assert errors[1].startswith("Row 4 has 1 cell; the header row has 3.")
    assert not Article.objects.exists()


def test_without_a_header_row_the_first_row_is_the_measure(editor_client):
    data = new_article(editor_client, make_category())
    add_rows(
        data,
        "tables",
        [table_row(data="| a | b |\n| c |", is_first_row_header="")],
    )
    response = editor_client.post(add_url(), data)
    assert response.status_code == 200
    (error,) = errors_of(response, "id_tables-0-data")
    assert error.startswith("Row 2 has 1 cell; row 1 has 2.")


def test_a_square_table_is_kept_as_pasted(editor_client):
    data = new_article(editor_client, make_category())
    add_rows(data, "tables", [table_row(data="a,b\n1,\n,2")])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302
    assert ArticleTable.objects.get().rows == [["a", "b"], ["1", ""], ["", "2"]]


def test_stored_ragged_rows_are_named_by_the_model_too():
    table = ArticleTable(
        article=make_article(), caption="x", rows=[["a", "b"], ["c", "d"], ["e"]]
    )
    with pytest.raises(ValidationError) as error:
        table.full_clean()
    assert error.value.message_dict["rows"][0].startswith(
        "Row 3 has 1 cell; row 1 has 2."
    )


# Slugs already taken.


def test_an_article_slug_taken_in_its_category_is_an_error_on_the_slug(editor_client):
    category = make_category(name="World")
    make_article(category=category, slug="harbour-reopens")
    make_article(category=category, slug="harbour-reopens-2")
    data = new_article(editor_client, category)
    response = editor_client.post(add_url(), data)
    assert response.status_code == 200
    assert errors_of(response, "id_slug") == [
        "Another article in “World” already has this slug. “harbour-reopens-3” is free."
    ]
    assert non_field_errors(response) == []
    assert Article.objects.filter(slug="harbour-reopens").count() == 1


def test_the_same_slug_in_another_category_is_fine(editor_client):
    make_article(slug="harbour-reopens")
    data = new_article(editor_client, make_category())
    assert editor_client.post(add_url(), data).status_code == 302
    assert Article.objects.filter(slug="harbour-reopens").count() == 2


def test_moving_an_article_into_a_category_where_its_slug_is_taken(editor_client):
    world = make_category(name="World")
    make_article(category=world, slug="talks")
    article = make_article(slug="talks", status="draft", published_at=None)
    data = page_form(editor_client, change_url(article))
    data["category"] = str(world.pk)
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    (error,) = errors_of(response, "id_slug")
    assert "Another article in “World” already has this slug." in error
    article.refresh_from_db()
    assert article.category != world


def test_a_category_slug_taken_is_explained_with_a_free_one(admin_client):
    make_category(name="World", slug="world")
    response = admin_client.post(
        reverse("admin:articles_category_add"),
        {"name": "World news", "slug": "world", "position": "1", "description": ""},
    )
    assert response.status_code == 200
    assert errors_of(response, "id_slug") == [
        "Another category already has this slug. “world-2” is free."
    ]
    assert not Category.objects.filter(name="World news").exists()


def test_an_author_slug_taken_is_explained_with_a_free_one(admin_client):
    make_author(name="Ann Lee", slug="ann-lee")
    response = admin_client.post(
        reverse("admin:articles_author_add"),
        {"name": "Ann Lee", "slug": "ann-lee", "role": "", "bio": "", "user": ""},
    )
    assert response.status_code == 200
    assert errors_of(response, "id_slug") == [
        "Another author already has this slug. “ann-lee-2” is free."
    ]
    assert Author.objects.filter(slug="ann-lee").count() == 1


# What the page shows.


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("Source: Harbour office", "Source: Harbour office"),
        ("source: Harbour office", "source: Harbour office"),
        ("Sources: Harbour office, port", "Sources: Harbour office, port"),
        ("Harbour office", "Source: Harbour office"),
    ],
)
def test_a_source_note_is_not_given_a_second_source(anon, note, shown):
    article = make_article()
    make_table(article, source_note=note)
    html = anon.get(article.get_absolute_url()).content.decode()
    (paragraph,) = lxml.html.fromstring(html).xpath('//p[@class="table-source"]')
    assert paragraph.text_content() == shown


def test_labels_say_what_the_page_shows(editor_client):
    article = make_article(status="draft", published_at=None)
    make_table(article)
    page = page_of(editor_client.get(change_url(article)))
    labels = {label.text_content().strip() for label in page.xpath("//label")}
    for wanted in (
        "Standfirst:",
        "First row holds the headings",
        "First column names the rows",
        "Section:",
        "Link name:",
        "Part name:",
        "Follow-up part",
        "Discussion question:",
    ):
        assert wanted in labels, wanted
    text = page.text_content()
    assert "Is first row header" not in text
    assert "has header row" not in text
    assert "shown under the table as “Source: …”" in text


def test_the_importers_fields_are_edited_at_the_desk(editor_client):
    article = make_article(status="draft", published_at=None)
    data = page_form(editor_client, change_url(article))
    # In the Comments group of the form.
    comments = page_of(editor_client.get(change_url(article))).xpath(
        '//fieldset[.//h2[normalize-space()="Comments"]]//textarea | '
        '//fieldset[.//h2[normalize-space()="Comments"]]//input'
    )
    assert "discussion_question" in {field.get("name") for field in comments}
    data["discussion_question"] = "Should the harbour open at night?"
    data["sections-0-part_heading"] = "The second day"
    data["sections-0-is_follow_up"] = "on"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.discussion_question == "Should the harbour open at night?"
    section = Section.objects.get(article=article)
    assert (section.part_heading, section.is_follow_up) == ("The second day", True)


def test_a_follow_up_needs_a_part_title(editor_client):
    article = make_article(status="draft", published_at=None)
    data = page_form(editor_client, change_url(article))
    data["sections-0-is_follow_up"] = "on"
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert errors_of(response, "id_sections-0-is_follow_up") == [
        "A follow-up starts a part: give it a part name, or untick this."
    ]
    assert not Section.objects.get(article=article).is_follow_up


def test_every_part_is_stacked_with_labelled_fields(editor_client):
    article = make_article(status="draft", published_at=None, authors=[make_author()])
    make_table(article)
    page = page_of(editor_client.get(change_url(article)))
    # Rows of a tabular inline have inputs without labels of their own.
    assert page.xpath('//div[contains(@class, "tabular")]') == []
    labelled = set(page.xpath("//label/@for"))
    for box in page.xpath('//input[@type="checkbox"][contains(@name, "-DELETE")]'):
        assert box.get("id") in labelled or box.get("aria-label"), box.get("name")
