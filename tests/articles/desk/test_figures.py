"""Pictures in the text: figures in sections on the article page, and added at the desk
from the library or from a file uploaded in the article's form."""

from __future__ import annotations

import json

import lxml.html
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.checks import check_article
from articles.models import Figure, Image, PendingEdit, Section
from tests.articles.desk.media_support import (
    BAD_UPLOADS,
    has_exif,
    jpeg,
    make_image,
    png,
    stored_files,
    upload,
)
from tests.articles.desk.parts_forms import (
    add_rows,
    add_url,
    change_url,
    new_article,
    page_form,
)
from tests.articles.desk.workflow_support import writer, writer_client
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_faq_item,
    make_section,
    make_table,
)

pytestmark = pytest.mark.django_db

__all__ = ["writer", "writer_client"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page_of(client, article) -> lxml.html.HtmlElement:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def figures_in(page, section: Section) -> list[lxml.html.HtmlElement]:
    (block,) = page.xpath(f'//*[@aria-labelledby="{section.anchor}"]')
    return block.xpath('.//figure[@class="article-figure"]')


# -- on the article page -----------------------------------------------------------


def test_figure_is_shown_inside_its_section_with_alt_caption_credit_and_srcset(
    anon, media
):
    article = make_article(sections=0)
    arrival = make_section(article, heading="Arrival", body="The boats came in.")
    departure = make_section(article, heading="Departure", body="They left.")
    image = make_image(
        size=(1200, 600), caption="Boats at dawn.", credit="Ana Ruiz / Agency"
    )
    Figure.objects.create(article=article, section=arrival, image=image)

    page = page_of(anon, article)
    (figure,) = figures_in(page, arrival)
    assert figures_in(page, departure) == []
    # After the section's own text.
    assert figure.getprevious().text_content() == "The boats came in."
    (img,) = figure.xpath(".//img")
    assert img.get("alt") == "Fishing boats in the harbour at dawn"
    assert img.get("src") == image.file.url
    assert (img.get("width"), img.get("height")) == ("1200", "600")
    widths = [part.split()[-1] for part in img.get("srcset").split(",")]
    assert widths == ["480w", "960w", "1200w"]
    assert img.get("srcset").startswith(f"{image.file.url}.w480.webp ")
    (caption,) = figure.xpath(".//figcaption")
    assert (
        " ".join(caption.text_content().split()) == "Boats at dawn. Ana Ruiz / Agency"
    )


def test_a_figure_may_describe_the_picture_its_own_way(anon, media):
    article = make_article(sections=0)
    section = make_section(article, heading="Inside")
    image = make_image(caption="Library caption", credit="Library credit")
    Figure.objects.create(
        article=article,
        section=section,
        image=image,
        alt_text="The same boats, seen from the pier",
        caption="Our caption",
    )
    (figure,) = figures_in(page_of(anon, article), section)
    assert figure.xpath(".//img")[0].get("alt") == "The same boats, seen from the pier"
    text = figure.xpath(".//figcaption")[0].text_content()
    assert "Our caption" in text and "Library credit" in text
    assert "Library caption" not in text


def test_figures_in_a_callout_and_without_a_section(anon, media):
    article = make_article(sections=0)
    box = make_section(article, heading="Did you know?", kind=Section.Kind.CALLOUT)
    make_section(article, heading="Last", body="The end of the text.")
    in_box = make_image(alt_text="An old map of the harbour")
    at_end = make_image(alt_text="The harbour at night")
    Figure.objects.create(article=article, section=box, image=in_box)
    Figure.objects.create(article=article, image=at_end)
    page = page_of(anon, article)
    (figure,) = figures_in(page, box)
    assert figure.xpath(".//img")[0].get("alt") == "An old map of the harbour"
    (last,) = page.xpath('//div[@class="article-body"]/figure')
    assert last.xpath(".//img")[0].get("alt") == "The harbour at night"


def test_a_picture_is_reused_in_two_articles(anon, media):
    image = make_image(size=(1200, 600))
    first, second = make_article(), make_article()
    for article in (first, second):
        Figure.objects.create(
            article=article, section=article.sections.get(), image=image
        )
    for article in (first, second):
        (figure,) = figures_in(page_of(anon, article), article.sections.get())
        assert figure.xpath(".//img")[0].get("src") == image.file.url
    originals = {name for name in stored_files(media) if not name.endswith(".webp")}
    assert originals == {image.file.name}


@pytest.mark.parametrize("figures", [3, 12])
def test_article_page_query_count_with_figures(
    anon, media, django_assert_max_num_queries, figures
):
    article = make_article(authors=[make_author()], tags=["Harbour"], sections=3)
    sections = list(article.sections.all())
    for n in range(figures):
        image = make_image(alt_text=f"Picture number {n}")
        Figure.objects.create(
            article=article, section=sections[n % 3], image=image, position=n
        )
    make_table(article, section=sections[0])
    make_faq_item(article)
    # article + category, bylines, tags, sections, tables, FAQ, figures with
    # their pictures, corrections, related articles, previous/next, navigation
    # categories, next scheduled publication, comment threads, their replies
    # = 14, however many figures.
    with django_assert_max_num_queries(14):
        response = anon.get(article.get_absolute_url())
    assert response.content.decode().count('class="article-figure"') == figures


def test_a_figure_added_to_a_live_article_reaches_its_cached_page(
    anon, media, django_capture_on_commit_callbacks
):
    article = make_article()
    assert "article-figure" not in anon.get(article.get_absolute_url()).content.decode()
    image = make_image(alt_text="A crane lifting a boat")
    with django_capture_on_commit_callbacks(execute=True):
        Figure.objects.create(
            article=article, section=article.sections.get(), image=image
        )
    assert (
        "A crane lifting a boat"
        in anon.get(article.get_absolute_url()).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        image.alt_text = "A crane lifting a fishing boat"
        image.save()
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "A crane lifting a fishing boat" in html


# -- at the desk ---------------------------------------------------------------------


def figure_row(**fields) -> dict:
    row = {
        "section": "",
        "image": "",
        "alt_text": "",
        "caption": "",
        "credit": "",
        "focal_point_0": "50",
        "focal_point_1": "50",
    }
    row.update(fields)
    return row


def errors_in(response) -> dict[str, list[str]]:
    """The figure forms' errors, by field."""
    errors: dict[str, list[str]] = {}
    for formset in response.context["inline_admin_formsets"]:
        if formset.formset.prefix != "figures":
            continue
        for form in formset.formset.forms:
            for field, messages in form.errors.items():
                errors.setdefault(field, []).extend(messages)
    return errors


@pytest.fixture
def draft():
    article = make_article(status="draft", published_at=None, sections=0)
    make_section(article, heading="Arrival", body="The boats came in.")
    return article


def test_editor_adds_a_figure_from_an_uploaded_file(
    editor_client, editor, media, draft, django_capture_on_commit_callbacks
):
    data = page_form(editor_client, change_url(draft))
    (row,) = add_rows(
        data,
        "figures",
        [
            figure_row(
                section="Arrival",
                alt_text="Boats unloading fish on the quay",
                caption="Monday’s catch.",
                credit="Ana Ruiz",
                focal_point_0="30",
                focal_point_1="70",
            )
        ],
    )
    data[f"{row}-upload"] = upload("catch.jpg", jpeg((1200, 600), gps=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)

    image = Image.objects.get()
    assert (image.alt_text, image.caption, image.credit) == (
        "Boats unloading fish on the quay",
        "Monday’s catch.",
        "Ana Ruiz",
    )
    assert (image.focal_x, image.focal_y) == (30, 70)
    assert image.uploaded_by == editor
    assert not has_exif(media / image.file.name)
    assert (media / f"{image.file.name}.w480.webp").exists()
    figure = Figure.objects.get()
    assert figure.section == draft.sections.get(heading="Arrival")
    assert figure.image == image
    # The text went to the library, where the next article finds it.
    assert (figure.alt_text, figure.caption, figure.credit) == ("", "", "")
    html = editor_client.get(draft.get_preview_url()).content.decode()
    assert 'alt="Boats unloading fish on the quay"' in html
    assert "Monday’s catch." in html


def test_a_png_sent_as_jpg_is_stored_for_what_it_is(editor_client, media, draft):
    data = page_form(editor_client, change_url(draft))
    (row,) = add_rows(data, "figures", [figure_row(alt_text="A chart of landings")])
    data[f"{row}-upload"] = upload("chart.jpg", png())
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, errors_in(response)
    assert Image.objects.get().file.name.endswith("/chart.png")


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_figure_uploads_that_are_not_images_we_accept_are_refused(
    editor_client, media, draft, kind
):
    data = page_form(editor_client, change_url(draft))
    (row,) = add_rows(data, "figures", [figure_row(alt_text="Something")])
    data[f"{row}-upload"] = upload(*BAD_UPLOADS[kind])
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert errors_in(response).get("upload")
    assert not Figure.objects.exists() and not Image.objects.exists()
    assert stored_files(media) == set()


@pytest.mark.parametrize("alt", ["", "IMG_1234.jpg", "catch"])
def test_a_new_picture_needs_alt_text_that_describes_it(
    editor_client, media, draft, alt
):
    data = page_form(editor_client, change_url(draft))
    (row,) = add_rows(data, "figures", [figure_row(alt_text=alt)])
    data[f"{row}-upload"] = upload("catch.jpg", jpeg())
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert errors_in(response).get("alt_text")
    assert not Image.objects.exists()


def test_a_library_picture_is_chosen_and_placed_in_a_new_section(editor_client, media):
    image = make_image()
    data = new_article(editor_client, make_category())
    _, numbers = add_rows(
        data,
        "sections",
        [
            {"kind": "text", "heading": "", "body": "Opening."},
            {"kind": "text", "heading": "The quay", "body": "Busy."},
        ],
    )
    add_rows(data, "figures", [figure_row(section=numbers, image=image.pk)])
    response = editor_client.post(add_url(), data)
    assert response.status_code == 302, errors_in(response)
    figure = Figure.objects.get()
    assert figure.image == image and figure.section.heading == "The quay"
    assert Image.objects.count() == 1


def test_a_figure_needs_one_picture(editor_client, media, draft):
    image = make_image()
    data = page_form(editor_client, change_url(draft))
    add_rows(data, "figures", [figure_row(section="Arrival", caption="Nothing")])
    response = editor_client.post(change_url(draft), data)
    assert "Choose a picture from the library, or upload a new one." in errors_in(
        response
    ).get("image", [])

    data = page_form(editor_client, change_url(draft))
    (row,) = add_rows(
        data, "figures", [figure_row(image=image.pk, alt_text="Boats again")]
    )
    data[f"{row}-upload"] = upload("other.jpg", jpeg())
    response = editor_client.post(change_url(draft), data)
    assert errors_in(response).get("upload")
    assert not Figure.objects.exists() and Image.objects.count() == 1


def test_a_figure_s_own_alt_text_may_not_be_a_file_name(editor_client, media, draft):
    image = make_image()
    data = page_form(editor_client, change_url(draft))
    add_rows(data, "figures", [figure_row(image=image.pk, alt_text="DSC_0042.JPG")])
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert errors_in(response).get("alt_text")
    assert not Figure.objects.exists()


def test_without_figure_permissions_a_forged_figure_is_ignored(
    editor_client, editor, media, draft
):
    editor.user_permissions.remove(
        *Permission.objects.filter(codename__endswith="_figure")
    )
    image = make_image()
    data = page_form(editor_client, change_url(draft))
    assert "figures-TOTAL_FORMS" not in data
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "0",
            "figures-0-image": str(image.pk),
            "figures-0-position": "0",
        }
    )
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302
    assert not Figure.objects.exists()


def test_the_library_picker_searches_alt_text_caption_and_credit(
    editor_client, media, draft
):
    wanted = make_image(alt_text="Nets drying", credit="Ana Ruiz")
    make_image(alt_text="Council chamber")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "figure",
            "field_name": "image",
            "term": "ruiz",
        },
    )
    results = json.loads(response.content)["results"]
    assert results == [{"id": str(wanted.pk), "text": "Nets drying"}]


def test_a_picture_uploaded_to_a_live_story_joins_the_library_and_waits(
    editor_client, editor, anon, media, django_capture_on_commit_callbacks
):
    article = make_article(authors=[make_author()])
    section = article.sections.get()
    data = page_form(editor_client, change_url(article))
    (row,) = add_rows(
        data,
        "figures",
        [
            figure_row(
                section=section.heading,
                alt_text="A new crane on the quay",
                caption="Installed on Monday.",
            )
        ],
    )
    data[f"{row}-upload"] = upload("crane.jpg", jpeg((1200, 600)))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_in(response)

    # Readers do not see it yet...
    assert not Figure.objects.exists()
    page = article.get_absolute_url()
    assert "A new crane" not in anon.get(page).content.decode()
    # ...but the library has the picture, whatever becomes of the edit.
    image = Image.objects.get()
    assert (image.alt_text, image.caption) == (
        "A new crane on the quay",
        "Installed on Monday.",
    )
    assert image.uploaded_by == editor
    assert (media / image.file.name).exists()
    assert (media / f"{image.file.name}.w480.webp").exists()
    (waiting,) = PendingEdit.objects.get(article=article).state["parts"]["figures"]
    assert waiting["fields"]["image"] == image.pk

    publish = reverse("admin:articles_article_pending_publish", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(publish).status_code == 302
    figure = Figure.objects.get()
    assert (figure.image, figure.section) == (image, section)
    html = anon.get(page).content.decode()
    assert 'alt="A new crane on the quay"' in html
    assert "Installed on Monday." in html


def test_a_picture_uploaded_to_a_live_story_stays_when_the_edit_is_discarded(
    editor_client, media
):
    article = make_article(authors=[make_author()])
    data = page_form(editor_client, change_url(article))
    (row,) = add_rows(data, "figures", [figure_row(alt_text="Nets on the quay")])
    data[f"{row}-upload"] = upload("nets.jpg", jpeg())
    assert editor_client.post(change_url(article), data).status_code == 302

    discard = reverse("admin:articles_article_pending_discard", args=[article.pk])
    assert editor_client.post(discard).status_code == 302
    assert not PendingEdit.objects.exists() and not Figure.objects.exists()
    assert Image.objects.get().alt_text == "Nets on the quay"


def test_a_bad_upload_to_a_live_story_is_refused_and_named(editor_client, media):
    article = make_article(authors=[make_author()])
    data = page_form(editor_client, change_url(article))
    (row,) = add_rows(data, "figures", [figure_row(alt_text="Minutes of the meeting")])
    data[f"{row}-upload"] = upload("minutes.jpg", b"Minutes of Monday's meeting.\n")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert errors_in(response).get("upload")
    assert not Image.objects.exists() and not PendingEdit.objects.exists()
    assert stored_files(media) == set()


def test_a_figure_added_to_a_live_story_waits_until_the_changes_are_published(
    editor_client, anon, media, django_capture_on_commit_callbacks
):
    article = make_article(authors=[make_author()])
    image = make_image(alt_text="Nets drying on the quay")
    data = page_form(editor_client, change_url(article))
    add_rows(data, "figures", [figure_row(image=image.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_in(response)
    assert not Figure.objects.exists()
    assert "Nets drying" not in anon.get(article.get_absolute_url()).content.decode()

    publish = reverse("admin:articles_article_pending_publish", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(publish).status_code == 302
    assert Figure.objects.get().image == image
    assert "Nets drying" in anon.get(article.get_absolute_url()).content.decode()


def test_a_writer_adds_a_picture_to_a_draft_of_their_own(media, writer_client):
    data = new_article(writer_client, make_category())
    (row,) = add_rows(
        data, "figures", [figure_row(alt_text="A ferry leaving the harbour")]
    )
    data[f"{row}-upload"] = upload("ferry.jpg", jpeg())
    response = writer_client.post(add_url(), data)
    assert response.status_code == 302, errors_in(response)
    assert Figure.objects.get().image.alt_text == "A ferry leaving the harbour"
    # Writers add to the library; changing what others use is the editors' job.
    image = Image.objects.get()
    change = reverse("admin:articles_image_change", args=[image.pk])
    writer_client.post(change, {"alt_text": "Changed by a writer"})
    image.refresh_from_db()
    assert image.alt_text == "A ferry leaving the harbour"


def test_publishing_is_blocked_by_a_figure_with_a_file_name_for_alt_text(media):
    article = make_article(authors=[make_author()])
    image = make_image()
    Figure.objects.create(article=article, section=article.sections.get(), image=image)
    assert not [p for p in check_article(article).errors if "Picture" in p.message]
    # A data fix, bypassing the form's check.
    Image.objects.filter(pk=image.pk).update(alt_text="IMG_1234.jpg")
    (problem,) = [p for p in check_article(article).errors if "Picture" in p.message]
    assert problem.message.startswith("Picture 1 in the text:")
