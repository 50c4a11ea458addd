"""The image library: uploads checked as lead images are, alt text that describes,
renditions after the commit, old files removed once unused, the focal point on
cards, and lead images chosen from the library."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.db import transaction
from django.urls import reverse

from articles.models import Article, Figure, Image
from tests.articles.desk.media_support import (
    BAD_UPLOADS,
    has_exif,
    jpeg,
    make_image,
    png,
    stored_files,
    upload,
)
from tests.articles.desk.parts_forms import change_url, page_form
from tests.factories import make_article
from tests.pages import elements, json_ld_blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


ADD = "admin:articles_image_add"


def library_form(**fields) -> dict:
    data = {
        "alt_text": "Fishing boats in the harbour at dawn",
        "caption": "",
        "credit": "",
        "focal_point_0": "50",
        "focal_point_1": "50",
    }
    data.update(fields)
    return data


def errors_on(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


# -- uploads: every check of the lead image ------------------------------------


def test_library_upload_loses_its_location_data(editor_client, editor, media):
    response = editor_client.post(
        reverse(ADD), library_form(file=upload("boats.jpg", jpeg(gps=True)))
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert not has_exif(media / image.file.name)
    assert (image.width, image.height) == (64, 48)
    assert image.uploaded_by == editor
    assert image.file.name.startswith("library/")


def test_library_names_a_png_sent_as_jpg_for_what_it_is(editor_client, media):
    response = editor_client.post(
        reverse(ADD), library_form(file=upload("scan.jpg", png()))
    )
    assert response.status_code == 302
    assert Image.objects.get().file.name.endswith("/scan.png")


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_library_refuses_files_that_are_not_images_we_accept(
    editor_client, media, kind
):
    name, content = BAD_UPLOADS[kind]
    response = editor_client.post(
        reverse(ADD), library_form(file=upload(name, content))
    )
    assert response.status_code == 200
    assert errors_on(response, "file")
    assert not Image.objects.exists()
    assert stored_files(media) == set()


def test_the_pixel_limit_is_the_sites_own(editor_client, media):
    # The bomb passes Django's image check: only the site's limit stops it.
    name, content = BAD_UPLOADS["bomb"]
    response = editor_client.post(
        reverse(ADD), library_form(file=upload(name, content))
    )
    assert errors_on(response, "file") == ["This image has too many pixels to process."]


@pytest.mark.parametrize("alt", ["", "   ", "IMG_1234.jpg", "DSC01234", "harbour"])
def test_alt_text_must_describe_the_picture(editor_client, media, alt):
    response = editor_client.post(
        reverse(ADD), library_form(file=upload("harbour.jpg", jpeg()), alt_text=alt)
    )
    assert response.status_code == 200
    assert errors_on(response, "alt_text")
    assert not Image.objects.exists()


# -- renditions, replacement and deletion ------------------------------------------


def test_renditions_are_made_after_the_commit(
    editor_client, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as waiting:
        editor_client.post(
            reverse(ADD), library_form(file=upload("bay.jpg", jpeg((1200, 600))))
        )
        name = Image.objects.get().file.name
        assert not (media / f"{name}.w480.webp").exists()
    for callback in waiting:
        callback()
    assert (media / f"{name}.w480.webp").exists()
    assert (media / f"{name}.w960.webp").exists()
    assert not (media / f"{name}.w1600.webp").exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_upload_makes_no_renditions(media):
    with pytest.raises(RuntimeError), transaction.atomic():
        Image(
            file=upload("lost.jpg", jpeg((1200, 600))), alt_text="A pier at night"
        ).save()
        raise RuntimeError("the save failed after the row was written")
    assert not Image.objects.exists()
    assert not list(media.rglob("*.webp"))


def test_replacing_a_picture_removes_the_old_file_once_unused(
    editor_client, media, django_capture_on_commit_callbacks
):
    image = make_image(name="first.jpg", size=(1200, 600))
    article = make_article()
    Figure.objects.create(article=article, image=image)
    old = image.file.name
    assert (media / f"{old}.w480.webp").exists()

    url = reverse("admin:articles_image_change", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url, library_form(file=upload("second.jpg", jpeg((1000, 500))))
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name != old and image.width == 1000
    files = stored_files(media)
    assert old not in files and f"{old}.w480.webp" not in files
    assert {image.file.name, f"{image.file.name}.w480.webp"} <= files
    html = editor_client.get(article.get_preview_url()).content.decode()
    assert image.file.url in html and old not in html


def test_replacing_a_picture_keeps_a_file_an_article_still_uses(
    editor_client, media, django_capture_on_commit_callbacks
):
    # An article's own lead image may share the file (a copy made in code).
    image = make_image(name="shared.jpg")
    make_article(lead_image=image.file.name, lead_image_alt="Boats")
    old = image.file.name
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            library_form(file=upload("new.jpg", jpeg())),
        )
    assert old in stored_files(media)


def test_deleting_an_unused_picture_removes_its_files(
    editor_client, media, django_capture_on_commit_callbacks
):
    image = make_image(size=(1200, 600))
    url = reverse("admin:articles_image_delete", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert stored_files(media) == set()


def test_a_picture_in_use_cannot_be_deleted(editor_client, media):
    image = make_image()
    article = make_article(title="Harbour reopens")
    Figure.objects.create(article=article, image=image)
    url = reverse("admin:articles_image_delete", args=[image.pk])
    page = editor_client.get(url).content.decode()
    assert "protected" in page and "Harbour reopens" in page
    editor_client.post(url, {"post": "yes"})  # forged: the page offered no button
    assert Image.objects.filter(pk=image.pk).exists()
    assert image.file.name in stored_files(media)


def test_deleting_an_article_keeps_its_library_pictures(
    media, django_capture_on_commit_callbacks
):
    in_text, lead = make_image(name="text.jpg"), make_image(name="lead.jpg")
    article = make_article(lead_picture=lead)
    Figure.objects.create(article=article, image=in_text)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert Image.objects.count() == 2
    assert {in_text.file.name, lead.file.name} <= stored_files(media)


# -- the library's list ------------------------------------------------------------


def test_library_is_searched_by_alt_text_caption_and_credit(
    editor_client, media, django_assert_max_num_queries
):
    make_image(alt_text="Cranes on the quay", caption="Monday morning")
    make_image(alt_text="A council meeting", credit="Lena Park / Agency")
    make_image(alt_text="Boats at anchor")
    url = reverse("admin:articles_image_changelist")
    for term, found, not_found in [
        ("quay", "Cranes on the quay", "Boats at anchor"),
        ("monday", "Cranes on the quay", "A council meeting"),
        ("lena", "A council meeting", "Cranes on the quay"),
    ]:
        html = editor_client.get(url, {"q": term}).content.decode()
        assert found in html and not_found not in html
    # session, user, the user's and their groups' permissions, count, total
    # count, rows with their uploader, the date range and the days = 9.
    with django_assert_max_num_queries(9):
        html = editor_client.get(url).content.decode()
    thumbnails = elements(html, "img", **{"class": "desk-thumbnail"})
    assert len(thumbnails) == 3
    # Decorative: the alt text is in the next column, as the link to the picture.
    assert {img["alt"] for img in thumbnails} == {""}


def test_focal_point_is_kept_within_the_picture(editor_client, media):
    image = make_image()
    url = reverse("admin:articles_image_change", args=[image.pk])
    response = editor_client.post(
        url, library_form(focal_point_0="30", focal_point_1="70")
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (30, 70)
    response = editor_client.post(
        url, library_form(focal_point_0="101", focal_point_1="-1")
    )
    assert response.status_code == 200
    assert errors_on(response, "focal_point")
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (30, 70)


def test_the_form_shows_the_picture_for_the_focal_point_picker(editor_client, media):
    image = make_image(focal_x=20, focal_y=80)
    html = editor_client.get(
        reverse("admin:articles_image_change", args=[image.pk])
    ).content.decode()
    (picker,) = elements(html, "div", **{"class": "focal-point"})
    assert picker["data-preview"] == image.file.url
    assert elements(html, "input", id="id_focal_point_0", value="20")
    assert elements(html, "label", **{"for": "id_focal_point_1"})
    assert "js/desk-media.js" in html


# -- cards: cropped around the focal point ------------------------------------------


def test_cards_crop_thumbnails_around_the_focal_point(anon, media):
    image = make_image(size=(1200, 600), focal_x=33, focal_y=70)
    make_article(title="Boats return", lead_picture=image)
    html = anon.get(reverse("articles:home")).content.decode()
    (card_image,) = elements(html, "img", alt="Fishing boats in the harbour at dawn")
    # Rounded to the stylesheet's 5 % steps.
    assert card_image["class"].split() == ["card-image", "focus-x-35", "focus-y-70"]
    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert ".focus-x-35 { --focus-x: 35%; }" in css
    assert ".focus-y-70 { --focus-y: 70%; }" in css
    assert "object-position: var(--focus-x, 50%) var(--focus-y, 50%);" in css


def test_a_new_focal_point_reaches_the_cards(
    anon, media, django_capture_on_commit_callbacks
):
    image = make_image(size=(1200, 600), focal_x=50, focal_y=50)
    make_article(title="Boats return", lead_picture=image)
    assert (
        "focus-x-50 focus-y-50" in anon.get(reverse("articles:home")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x, image.focal_y = 10, 90
        image.save()
    html = anon.get(reverse("articles:home")).content.decode()
    (card_image,) = elements(html, "img", alt="Fishing boats in the harbour at dawn")
    assert card_image["class"].split() == ["card-image", "focus-x-10", "focus-y-90"]


def test_cards_of_images_outside_the_library_keep_the_middle(anon, media):
    article = make_article()
    article.lead_image = upload("own.jpg", jpeg((400, 300)))
    article.lead_image_alt = "A lighthouse"
    article.save()
    html = anon.get(reverse("articles:home")).content.decode()
    (card_image,) = elements(html, "img", alt="A lighthouse")
    assert card_image["class"] == "card-image"


# -- lead images from the library -----------------------------------------------------


def test_a_library_picture_becomes_the_lead_image(anon, media):
    image = make_image(
        size=(1200, 600), caption="The harbour on Monday.", credit="Ana Ruiz"
    )
    article = make_article(lead_picture=image)
    article.refresh_from_db()
    assert article.lead_image.name == image.file.name
    assert (article.lead_image_width, article.lead_image_height) == (1200, 600)
    html = anon.get(article.get_absolute_url()).content.decode()
    (lead,) = elements(html, "img", alt="Fishing boats in the harbour at dawn")
    assert lead["src"] == image.file.url and "480w" in lead["srcset"]
    assert "The harbour on Monday." in html and "Ana Ruiz" in html
    assert json_ld_blocks(html)["NewsArticle"]["image"][0]["url"].endswith(
        image.file.url
    )


def test_lead_picture_is_chosen_at_the_desk(editor_client, media):
    image = make_image(caption="Library caption")
    article = make_article(status="draft", published_at=None)
    data = page_form(editor_client, change_url(article))
    data.update({"lead_picture": str(image.pk), "lead_image_caption": "Our own"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.lead_image.name == image.file.name
    assert article.lead_image_alt == image.alt_text
    # Typed in the same save: the editor's caption wins.
    assert article.lead_image_caption == "Our own"


def test_library_changes_reach_the_articles_leading_with_the_picture(
    anon, media, django_capture_on_commit_callbacks
):
    image = make_image(caption="Old caption")
    follows = make_article(lead_picture=image)
    own = make_article(lead_picture=image)
    Article.objects.filter(pk=own.pk).update(lead_image_alt="Our own words")
    assert "Old caption" in anon.get(follows.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        image.alt_text = "Boats leaving the harbour"
        image.caption = "New caption"
        image.save()
    follows.refresh_from_db()
    own.refresh_from_db()
    assert follows.lead_image_alt == "Boats leaving the harbour"
    assert own.lead_image_alt == "Our own words"
    html = anon.get(follows.get_absolute_url()).content.decode()
    assert "Boats leaving the harbour" in html and "New caption" in html


def test_uploading_a_lead_image_lets_go_of_the_library_picture(media):
    image = make_image()
    article = make_article(lead_picture=image)
    article.lead_image = upload("own.jpg", jpeg())
    article.lead_image_alt = "Our own picture"
    article.save()
    article.refresh_from_db()
    assert article.lead_picture is None
    assert article.lead_image.name.startswith("articles/")
    assert Image.objects.filter(pk=image.pk).exists()


def test_taking_the_lead_picture_off_takes_the_lead_image_off(
    media, django_capture_on_commit_callbacks
):
    image = make_image()
    article = make_article(lead_picture=image)
    article.lead_picture = None
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    article.refresh_from_db()
    assert not article.lead_image and article.lead_image_alt == ""
    # Still in the library, file and all.
    assert image.file.name in stored_files(media)


def test_replacing_a_lead_picture_keeps_the_old_one_in_the_library(
    media, django_capture_on_commit_callbacks
):
    first, second = make_image(name="first.jpg"), make_image(name="second.jpg")
    article = make_article(lead_picture=first)
    article.lead_picture = second
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    article.refresh_from_db()
    assert article.lead_image.name == second.file.name
    assert article.lead_image_alt == second.alt_text
    assert first.file.name in stored_files(media)
