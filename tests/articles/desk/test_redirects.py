"""Renamed authors and tags keep their old addresses; replaced pictures go.

An author or a tag given a new slug answers at the old address with a 301
to the new one, as categories and articles do. A lead image that is
replaced, removed or deleted with its article leaves no files behind once
the change is committed and no article uses it any more.
"""

from io import BytesIO

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image
from taggit.models import Tag

from articles.images import RENDITION_WIDTHS
from articles.models import Article, AuthorRedirect, TagRedirect
from articles.moves import remove_unused_image
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def tag_url(slug: str) -> str:
    return reverse("articles:tag", args=[slug])


def author_url(slug: str) -> str:
    return reverse("articles:author", args=[slug])


def test_a_renamed_authors_old_page_answers_with_a_301(anon):
    author = make_author(name="Ann Lee", slug="ann-lee")
    make_article(authors=[author])
    author.slug = "ann-lee-smith"
    author.save()
    response = anon.get(author_url("ann-lee"))
    assert response.status_code == 301
    assert response["Location"] == author_url("ann-lee-smith")
    assert anon.get(response["Location"]).status_code == 200


def test_the_old_author_address_keeps_the_page_of_the_list(anon):
    author = make_author(slug="old-name")
    author.slug = "new-name"
    author.save()
    response = anon.get(author_url("old-name"), {"page": "2", "utm": "x"})
    assert response.status_code == 301
    assert response["Location"] == author_url("new-name") + "?page=2"


def test_renaming_an_author_at_the_desk_keeps_the_old_address(admin_client, anon):
    author = make_author(name="Ann Lee", slug="ann-lee", bio="Writes.")
    response = admin_client.post(
        reverse("admin:articles_author_change", args=[author.pk]),
        {
            "name": "Ann Lee",
            "slug": "ann-lee-x",
            "role": "",
            "bio": "Writes.",
            "user": "",
        },
    )
    assert response.status_code == 302
    response = anon.get(author_url("ann-lee"))
    assert (response.status_code, response["Location"]) == (
        301,
        author_url("ann-lee-x"),
    )


def test_renamed_twice_the_first_address_goes_straight_to_the_last(anon):
    author = make_author(slug="first")
    for slug in ("second", "third"):
        author.slug = slug
        author.save()
    assert anon.get(author_url("first"))["Location"] == author_url("third")
    assert anon.get(author_url("second"))["Location"] == author_url("third")


def test_an_author_who_takes_an_old_slug_takes_its_address(anon):
    renamed = make_author(name="Ann Lee", slug="ann")
    renamed.slug = "ann-lee"
    renamed.save()
    newcomer = make_author(name="Ann Other", slug="ann")
    response = anon.get(author_url("ann"))
    assert response.status_code == 200
    assert response.context["author"] == newcomer
    assert not AuthorRedirect.objects.filter(old_slug="ann").exists()


def test_renaming_back_leaves_no_redirect_to_itself(anon):
    author = make_author(slug="here")
    author.slug = "there"
    author.save()
    author.slug = "here"
    author.save()
    assert anon.get(author_url("here")).status_code == 200
    assert anon.get(author_url("there"))["Location"] == author_url("here")


def test_a_deleted_authors_old_address_is_gone(anon):
    author = make_author(slug="gone")
    author.slug = "gone-later"
    author.save()
    author.delete()
    assert anon.get(author_url("gone")).status_code == 404


def test_a_renamed_tags_old_page_answers_with_a_301(anon):
    make_article(tags=["Harbour works"])
    tag = Tag.objects.get(name="Harbour works")
    old = tag.slug
    tag.name, tag.slug = "Harbour", "harbour"
    tag.save()
    response = anon.get(tag_url(old), {"page": "1"})
    assert response.status_code == 301
    assert response["Location"] == tag_url("harbour") + "?page=1"
    assert anon.get(tag_url("harbour")).status_code == 200


def test_renaming_a_tag_at_the_desk_keeps_the_old_address(admin_client, anon):
    make_article(tags=["Docks"])
    tag = Tag.objects.get(name="Docks")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    page = lxml.html.fromstring(admin_client.get(url).content.decode())
    (form,) = page.xpath('//form[@id="tag_form"]')
    data = {k: v for k, v in form.form_values() if "__prefix__" not in k}
    data["slug"] = "docks-and-quays"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    response = anon.get(tag_url("docks"))
    assert (response.status_code, response["Location"]) == (
        301,
        tag_url("docks-and-quays"),
    )


def test_a_renamed_tag_of_drafts_only_does_not_reveal_itself(anon):
    make_article(tags=["Secret plan"], status="draft", published_at=None)
    tag = Tag.objects.get(name="Secret plan")
    old = tag.slug
    tag.slug = "secret-plan-2"
    tag.save()
    assert TagRedirect.objects.filter(old_slug=old).exists()
    assert anon.get(tag_url(old)).status_code == 404


# Lead images that are replaced.


def _picture(name: str, width: int = 1200) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, width // 2), "#2a6f97").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(media) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


def _with_picture(name: str, capture) -> Article:
    article = make_article()
    article.lead_image = _picture(name)
    article.lead_image_alt = "The harbour at dawn"
    with capture(execute=True):
        article.save()
    return article


def test_a_replaced_lead_image_leaves_no_files_behind(
    media, django_capture_on_commit_callbacks
):
    article = _with_picture("first.jpg", django_capture_on_commit_callbacks)
    old = article.lead_image.name
    old_files = {old, *(f"{old}.w{w}.webp" for w in RENDITION_WIDTHS if w < 1200)}
    assert old_files <= _files(media)

    article.lead_image = _picture("second.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    new = article.lead_image.name
    assert _files(media) == {
        new,
        *(f"{new}.w{w}.webp" for w in RENDITION_WIDTHS if w < 1200),
    }


def test_a_removed_lead_image_and_a_deleted_article_leave_no_files(
    media, django_capture_on_commit_callbacks
):
    removed = _with_picture("removed.jpg", django_capture_on_commit_callbacks)
    deleted = _with_picture("deleted.jpg", django_capture_on_commit_callbacks)
    removed.lead_image = ""
    removed.lead_image_alt = ""
    with django_capture_on_commit_callbacks(execute=True):
        removed.save()
        deleted.delete()
    assert _files(media) == set()


def test_a_picture_another_article_uses_is_kept(
    media, django_capture_on_commit_callbacks
):
    article = _with_picture("shared.jpg", django_capture_on_commit_callbacks)
    shared = article.lead_image.name
    make_article(lead_image=shared, lead_image_alt="The same harbour")
    before = _files(media)
    article.lead_image = _picture("own.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert before <= _files(media)
    assert remove_unused_image(shared) == []


def test_a_picture_kept_elsewhere_on_the_site_is_kept(
    media, django_capture_on_commit_callbacks
):
    article = _with_picture("portrait.jpg", django_capture_on_commit_callbacks)
    name = article.lead_image.name
    make_author(photo=name)  # the same stored file, as the image library does
    article.lead_image = _picture("other.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert (media / name).exists()
    assert (media / f"{name}.w480.webp").exists()


@pytest.mark.django_db(transaction=True)
def test_files_wait_for_the_commit_and_a_rolled_back_change_removes_none(media):
    article = make_article()
    article.lead_image = _picture("kept.jpg")
    article.lead_image_alt = "A pier"
    article.save()
    kept = article.lead_image.name
    article.lead_image = _picture("never.jpg")
    with pytest.raises(RuntimeError), transaction.atomic():
        article.save()
        raise RuntimeError("the editor's save failed after the row was written")
    assert (media / kept).exists()
    assert (media / f"{kept}.w480.webp").exists()

    article = Article.objects.get(pk=article.pk)
    article.lead_image = _picture("next.jpg")
    with transaction.atomic():
        article.save()
        assert (media / kept).exists()  # not inside the transaction
    assert not (media / kept).exists()
    assert not (media / f"{kept}.w480.webp").exists()
