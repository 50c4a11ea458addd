"""What a new editor reads at the desk: apps and parts named in words, not
ids; add forms without rows that have nothing to show yet; and the
sections' help said once, above them, rather than under every section."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import sharing
from articles.models import ArticleRedirect, Author, AuthorRedirect, PendingEdit
from tests.articles.desk.media_support import make_image
from tests.articles.desk.parts_forms import add_url, change_url, page_form
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


def page(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.content.decode())


def texts(nodes) -> list[str]:
    return [" ".join(node.text_content().split()) for node in nodes]


def breadcrumbs(response) -> list[str]:
    return texts(page(response).xpath('//ol[@class="breadcrumbs"]/li'))


def inline_labels(html: lxml.html.HtmlElement, prefix: str) -> list[str]:
    """The title of each stored row of an inline, e.g. each byline's."""
    return texts(
        html.xpath(
            f'//div[@id="{prefix}-group"]//div[contains(@class, "has_original")]'
            '/h3/span[@class="inline_label"]'
        )
    )


# -- the apps ------------------------------------------------------------------


def test_the_desk_home_names_every_app_in_words(admin_client):
    html = page(admin_client.get(reverse("admin:index")))
    captions = texts(html.xpath('//div[@id="content-main"]//table/caption'))
    assert {"Content", "Tags", "Reader comments"} <= set(captions), captions
    assert not any(caption.casefold() == "taggit" for caption in captions)


def test_breadcrumbs_name_the_app_then_the_model(editor_client):
    article = make_article(title="Harbour reopens")
    assert breadcrumbs(editor_client.get(change_url(article))) == [
        "Home",
        "Content",
        "Articles",
        "Harbour reopens",
    ]
    tags = reverse("admin:taggit_tag_changelist")
    assert breadcrumbs(editor_client.get(tags)) == ["Home", "Tags", "Tags"]


def test_the_tag_app_keeps_its_label_tables_and_migrations():
    config = apps.get_app_config("taggit")
    assert (config.label, config.verbose_name) == ("taggit", "Tags")
    # Every model matches its migrations: nothing for taggit (or anyone) to make.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


# -- parts named by what they are -----------------------------------------------


def test_a_byline_is_named_by_its_author_and_the_articles_title(editor_client):
    article = make_article(
        title="Harbour reopens", authors=[make_author(name="Helen Marsh")]
    )
    html = page(editor_client.get(change_url(article)))
    assert inline_labels(html, "bylines") == ["Helen Marsh on “Harbour reopens”"]


def test_more_bylines_do_not_read_the_article_again(editor_client):
    article = make_article(authors=[make_author()])
    url = change_url(article)
    editor_client.get(url)  # the session and the like, once

    def article_reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == 200
        return sum('FROM "articles_article"' in q["sql"] for q in queries)

    with_one = article_reads()
    for n in range(3):
        article.bylines.create(author=make_author(), position=n + 1)
    # Each byline's label names the article the form already has.
    assert article_reads() == with_one


def test_sections_without_a_heading_are_named_for_people(editor_client):
    article = make_article(sections=0)
    make_section(article, heading="", position=0)
    make_section(article, heading="What happened", position=1)
    make_section(article, heading="", position=2)
    html = page(editor_client.get(change_url(article)))
    assert inline_labels(html, "sections") == [
        "Opening section",
        "What happened",
        "Section 2",
    ]


def test_the_delete_page_names_parts_and_changes_by_the_articles_title(
    editor_client,
):
    article = make_article(
        title="Harbour reopens", authors=[make_author(name="Helen Marsh")]
    )
    saved = timezone.now() - timedelta(minutes=5)
    PendingEdit.objects.create(article=article, state={}, base={}, saved_at=saved)
    ArticleRedirect.remember(article.pk, "news", "harbour-shut")
    link, _ = sharing.create_link(article)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    listed = texts(
        page(editor_client.get(url)).xpath('//ul[@id="deleted-objects"]//li')
    )
    local = timezone.localtime(saved)
    for expected in [
        "Byline: Helen Marsh on “Harbour reopens”",
        "Change not yet live: Changes to “Harbour reopens” saved "
        f"{local:%Y-%m-%d %H:%M}",
        "Article redirect: /news/harbour-shut/ → “Harbour reopens”",
        f"Review link: Review link {link.selector[:6]}… for “Harbour reopens”",
    ]:
        assert any(item.startswith(expected) for item in listed), (expected, listed)


def test_an_author_in_bylines_names_them_in_a_few_queries(editor_client):
    """The author is not deleted while in bylines: the page says which, each
    with its article's title, in as many queries for one byline as for many."""
    author = make_author(name="Helen Marsh")
    url = reverse("admin:articles_author_delete", args=[author.pk])

    def shown() -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as queries:
            html = page(editor_client.get(url))
        return texts(html.xpath('//ul[@id="deleted-objects"]/li')), len(queries)

    make_article(title="Harbour reopens", authors=[author])
    editor_client.get(url)  # the session and the like, once
    listed, with_one = shown()
    assert listed == ["Byline: Helen Marsh on “Harbour reopens”"]
    for n in range(4):
        make_article(title=f"Story {n}", authors=[author])
    listed, with_five = shown()
    assert len(listed) == 5 and "Byline: Helen Marsh on “Story 3”" in listed
    assert with_five == with_one
    # Deleting is refused while the bylines are there, from the list too.
    assert editor_client.post(url, {"post": "yes"}).status_code == 200
    chosen = {"action": "delete_selected", "_selected_action": [author.pk]}
    from_list = editor_client.post(reverse("admin:articles_author_changelist"), chosen)
    assert "Byline: Helen Marsh on “Story 3”" in texts(page(from_list).xpath("//li"))
    assert Author.objects.filter(pk=author.pk).exists()


def test_an_authors_old_address_names_the_author(editor_client):
    author = make_author(name="Helen Marsh", slug="helen-marsh")
    AuthorRedirect.remember(author, "h-marsh")
    url = reverse("admin:articles_author_delete", args=[author.pk])
    listed = texts(
        page(editor_client.get(url)).xpath('//ul[@id="deleted-objects"]//li')
    )
    assert "Author redirect: /authors/h-marsh/ → Helen Marsh" in listed, listed


# -- add forms without empty rows ------------------------------------------------


def fieldset_headings(html: lxml.html.HtmlElement) -> list[str]:
    return texts(html.xpath('//form//h2[contains(@class, "fieldset-heading")]'))


def test_a_new_article_has_no_history_to_show(editor_client):
    added = page(editor_client.get(add_url()))
    assert "History" not in fieldset_headings(added)
    assert added.xpath('//div[contains(@class, "field-created_at")]') == []
    # A stored article has its history.
    stored = page(editor_client.get(change_url(make_article())))
    assert "History" in fieldset_headings(stored)
    assert stored.xpath('//div[contains(@class, "field-created_at")]')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


IMAGE_ROWS = ("preview", "used_in", "uploaded_by", "created_at")


def test_the_library_add_form_shows_no_empty_rows(editor_client, media):
    added = page(editor_client.get(reverse("admin:articles_image_add")))
    labels = texts(added.xpath('//div[@id="content-main"]//form//label'))
    for empty in ("Now:", "Used in:", "Uploaded by:"):
        assert empty not in labels, labels
    for name in IMAGE_ROWS:
        assert added.xpath(f'//div[contains(@class, "field-{name}")]') == [], name
    assert "Where it is used" not in fieldset_headings(added)
    # What an editor fills in is all there.
    for name in ("file", "alt_text", "caption", "credit", "focal_point_0"):
        assert added.xpath(f'//*[@name="{name}"]'), name

    image = make_image()
    url = reverse("admin:articles_image_change", args=[image.pk])
    stored = page(editor_client.get(url))
    for name in IMAGE_ROWS:
        assert stored.xpath(f'//div[contains(@class, "field-{name}")]'), name


# -- the sections' help, said once ------------------------------------------------

BODY_HELP = "Paragraphs separated by a blank line."


def test_each_sections_help_is_shown_once_and_describes_every_section(
    editor_client,
):
    article = make_article(sections=3)
    response = editor_client.get(change_url(article))
    assert response.content.decode().count(BODY_HELP) == 1
    html = page(response)
    (shared,) = html.xpath('//*[@id="sections-help-body"]')
    assert shared.text_content().startswith(BODY_HELP)
    # Above the sections, under a heading of its own.
    (help_box,) = html.xpath('//section[@id="sections-help"]')
    assert help_box.getnext().get("id") == "sections-group"
    # Every section's body, and the template for a new one, points to it.
    bodies = html.xpath('//textarea[starts-with(@name, "sections-")]')
    assert len(bodies) == 4
    assert {body.get("aria-describedby") for body in bodies} == {"sections-help-body"}
    # So does every other field with help, each to its own text.
    for name in ("heading", "kind", "anchor", "part_heading", "is_follow_up"):
        (control,) = html.xpath(f'//*[@name="sections-0-{name}"]')
        described = control.get("aria-describedby")
        assert described == f"sections-help-{name}", name
        assert html.xpath(f'//*[@id="{described}"]')[0].text_content().strip()


def test_a_sections_error_is_described_with_its_shared_help(editor_client):
    article = make_article(status="draft", published_at=None, sections=1)
    data = page_form(editor_client, change_url(article))
    data["sections-0-is_follow_up"] = "on"
    data["sections-0-part_heading"] = ""
    html = page(editor_client.post(change_url(article), data))
    (box,) = html.xpath('//input[@name="sections-0-is_follow_up"]')
    ids = box.get("aria-describedby").split()
    assert ids == ["sections-help-is_follow_up", "id_sections-0-is_follow_up_error"]
    (errors,) = html.xpath(f'//*[@id="{ids[1]}"]')
    assert "give it a part name" in errors.text_content()
