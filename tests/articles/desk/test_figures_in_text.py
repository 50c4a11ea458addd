"""Pictures in the text after a chosen paragraph of their section, kept through
pending edits, publishing and restored versions, and named to search engines."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Figure, PendingEdit, Section
from tests.articles.desk.media_support import make_image
from tests.articles.desk.parts_forms import add_rows, change_url, page_form
from tests.factories import make_article, make_author, make_section
from tests.pages import json_ld_blocks

pytestmark = pytest.mark.django_db

# Four blocks at the top level: a paragraph, a loose list (paragraphs inside
# its items), a quotation and a paragraph.
BODY = (
    "The boats came in at dawn.\n\n"
    "- Cod\n\n- Haddock\n\n"
    "> “Best catch in years,” said the harbour master.\n\n"
    "The market opened at six."
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page_of(client, article) -> lxml.html.HtmlElement:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def reading_order(page, section: Section) -> list[str]:
    """The section's blocks in order: "p: …", "ul", "blockquote", "picture: <alt>"."""
    (block,) = page.xpath(f'//*[@aria-labelledby="{section.anchor}"]')
    shown = []
    for child in block:
        if child.tag == "figure":
            shown.append("picture: " + child.xpath(".//img")[0].get("alt"))
        elif child.tag == "p":
            shown.append("p: " + child.text_content())
        elif child.tag != "h2":
            shown.append(child.tag)
    return shown


def picture(article, section, alt: str, **fields) -> Figure:
    return Figure.objects.create(
        article=article, section=section, image=make_image(alt_text=alt), **fields
    )


@pytest.fixture
def story():
    """A live article with one section of four blocks."""
    article = make_article(authors=[make_author()], sections=0)
    make_section(article, heading="The catch", body=BODY)
    return article


# -- on the article page -----------------------------------------------------------


def test_pictures_go_after_their_paragraph_in_position_order(anon, media, story):
    section = story.sections.get()
    picture(story, section, "Gulls over the quay", after_paragraph=1, position=2)
    picture(story, section, "A crate of cod", after_paragraph=1, position=1)
    picture(story, section, "The harbour at dawn", after_paragraph=0)
    picture(story, section, "The harbour master", after_paragraph=3)
    picture(story, section, "Past the end", after_paragraph=9, position=1)
    picture(story, section, "After the text", position=2)

    assert reading_order(page_of(anon, story), section) == [
        "picture: The harbour at dawn",
        "p: The boats came in at dawn.",
        "picture: A crate of cod",
        "picture: Gulls over the quay",
        "ul",
        "blockquote",
        "picture: The harbour master",
        "p: The market opened at six.",
        "picture: Past the end",
        "picture: After the text",
    ]


def test_a_list_or_a_quotation_is_one_paragraph_and_stays_whole(anon, media, story):
    section = story.sections.get()
    picture(story, section, "A crate of cod", after_paragraph=2)
    page = page_of(anon, story)
    assert reading_order(page, section) == [
        "p: The boats came in at dawn.",
        "ul",
        "picture: A crate of cod",
        "blockquote",
        "p: The market opened at six.",
    ]
    (items,) = page.xpath('//*[@aria-labelledby="the-catch"]/ul')
    assert [li.text_content().strip() for li in items] == ["Cod", "Haddock"]


def test_a_picture_in_a_callout_goes_after_its_paragraph(anon, media):
    article = make_article(sections=0)
    box = make_section(
        article,
        heading="Did you know?",
        kind=Section.Kind.CALLOUT,
        body="The quay is old.\n\nIt was rebuilt in 1902.",
    )
    picture(article, box, "An old map of the harbour", after_paragraph=1)
    assert reading_order(page_of(anon, article), box) == [
        "p: The quay is old.",
        "picture: An old map of the harbour",
        "p: It was rebuilt in 1902.",
    ]


def test_moving_a_picture_reaches_the_stored_page(
    anon, media, story, django_capture_on_commit_callbacks
):
    section = story.sections.get()
    figure = picture(story, section, "A crate of cod")
    assert reading_order(page_of(anon, story), section)[-1] == "picture: A crate of cod"
    with django_capture_on_commit_callbacks(execute=True):
        figure.after_paragraph = 1
        figure.save()
    assert reading_order(page_of(anon, story), section)[:2] == [
        "p: The boats came in at dawn.",
        "picture: A crate of cod",
    ]


# -- at the desk ---------------------------------------------------------------------


def figure_key(data: dict, image) -> str:
    """The form prefix of the figure showing ``image`` ("figures-0")."""
    for key, value in data.items():
        if (
            key.startswith("figures-")
            and key.endswith("-image")
            and value == str(image.pk)
        ):
            return key.removesuffix("-image")
    raise AssertionError("no such picture on the form")


def save_form(client, article, data: dict, captured) -> None:
    with captured(execute=True):
        response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def publish(client, article, captured) -> None:
    url = reverse("admin:articles_article_pending_publish", args=[article.pk])
    with captured(execute=True):
        assert client.post(url).status_code == 302


def test_the_desk_places_a_picture_after_a_paragraph(editor_client, media):
    draft = make_article(status="draft", published_at=None, sections=0)
    make_section(draft, heading="The catch", body=BODY)
    image = make_image(alt_text="A crate of cod")
    data = page_form(editor_client, change_url(draft))
    add_rows(
        data,
        "figures",
        [
            {
                "section": "The catch",
                "after_paragraph": "2",
                "image": str(image.pk),
                "focal_point_0": "50",
                "focal_point_1": "50",
            }
        ],
    )
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302
    assert Figure.objects.get().after_paragraph == 2

    form = lxml.html.fromstring(editor_client.get(change_url(draft)).content.decode())
    (field,) = form.xpath('//input[@name="figures-0-after_paragraph"]')
    assert field.get("value") == "2"
    (label,) = form.xpath('//label[@for="id_figures-0-after_paragraph"]')
    assert label.text_content().strip().rstrip(":") == "After paragraph"


def test_a_paragraph_needs_a_section(editor_client, media):
    draft = make_article(status="draft", published_at=None)
    image = make_image()
    data = page_form(editor_client, change_url(draft))
    add_rows(
        data,
        "figures",
        [{"after_paragraph": "1", "image": str(image.pk), "section": ""}],
    )
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    (formset,) = [
        fs.formset
        for fs in response.context["inline_admin_formsets"]
        if fs.formset.prefix == "figures"
    ]
    assert formset.forms[0].errors["after_paragraph"] == [
        "Choose the section whose paragraphs are counted, or leave this empty."
    ]
    assert not Figure.objects.exists()


def test_the_paragraph_survives_pending_edits_publishing_and_restoring(
    editor_client, anon, media, story, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    section = story.sections.get()
    figure = picture(story, section, "A crate of cod")
    page_before = reading_order(page_of(anon, story), section)

    # A pending edit: readers still see the picture after the text.
    data = page_form(editor_client, change_url(story))
    data[f"{figure_key(data, figure.image)}-after_paragraph"] = "1"
    save_form(editor_client, story, data, captured)
    (edit,) = PendingEdit.objects.filter(article=story)
    (row,) = edit.state["parts"]["figures"]
    assert row["fields"]["after_paragraph"] == 1
    assert reading_order(page_of(anon, story), section) == page_before
    # The form opens with the pending version.
    again = page_form(editor_client, change_url(story))
    assert again[f"{figure_key(again, figure.image)}-after_paragraph"] == "1"

    publish(editor_client, story, captured)
    after_first = ["p: The boats came in at dawn.", "picture: A crate of cod"]
    assert reading_order(page_of(anon, story), section)[:2] == after_first

    # Back after the text, then the version that had it after paragraph 1.
    data = page_form(editor_client, change_url(story))
    data[f"{figure_key(data, figure.image)}-after_paragraph"] = ""
    save_form(editor_client, story, data, captured)
    publish(editor_client, story, captured)
    figure.refresh_from_db()
    assert figure.after_paragraph is None
    assert reading_order(page_of(anon, story), section) == page_before

    older = Version.objects.get_for_object(story).order_by("pk").first()
    restore = reverse("admin:articles_article_restore", args=[story.pk, older.pk])
    assert editor_client.post(restore).status_code == 302
    publish(editor_client, story, captured)
    figure.refresh_from_db()
    assert figure.after_paragraph == 1
    assert reading_order(page_of(anon, story), section)[:2] == after_first


# -- structured data -------------------------------------------------------------------


def test_search_engines_get_the_lead_and_the_pictures_in_the_text(anon, media):
    lead = make_image(size=(1200, 600), caption="The harbour on Monday.")
    article = make_article(lead_picture=lead, sections=0)
    section = make_section(article, heading="The catch", body=BODY)
    cod = make_image(size=(800, 600), alt_text="A crate of cod", caption="")
    Figure.objects.create(article=article, section=section, image=cod)
    # The same pictures again: each is named once.
    Figure.objects.create(article=article, section=section, image=cod, position=2)
    Figure.objects.create(article=article, image=lead, caption="Seen again")

    html = anon.get(article.get_absolute_url()).content.decode()
    images = json_ld_blocks(html)["NewsArticle"]["image"]

    assert [image["url"] for image in images] == [
        f"http://testserver{lead.file.url}",
        f"http://testserver{cod.file.url}",
    ]
    assert images[1] == {
        "@type": "ImageObject",
        "url": f"http://testserver{cod.file.url}",
        "width": 800,
        "height": 600,
        "caption": "A crate of cod",
    }


def test_pictures_in_the_text_are_named_without_a_lead_image(anon, media):
    article = make_article(sections=0)
    section = make_section(article, heading="The catch", body=BODY)
    cod = make_image(alt_text="A crate of cod", caption="Monday’s catch.")
    Figure.objects.create(article=article, section=section, image=cod)

    html = anon.get(article.get_absolute_url()).content.decode()

    (image,) = json_ld_blocks(html)["NewsArticle"]["image"]
    assert image["url"] == f"http://testserver{cod.file.url}"
    assert image["caption"] == "Monday’s catch."
    # The share card shows that picture, described by its own alt text.
    assert (
        f'<meta property="og:image" content="http://testserver{cod.file.url}">' in html
    )
    assert '<meta property="og:image:alt" content="A crate of cod">' in html
