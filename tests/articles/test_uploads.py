"""An uploaded image is checked and cleaned once, however it arrives."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

import articles.models.uploads as uploads
from articles.models import Article, Author
from tests.articles.test_images import _jpeg_with_location
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleanings(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    calls = []
    real = uploads.sanitise_image

    def counting(file):
        calls.append(file)
        return real(file)

    monkeypatch.setattr(uploads, "sanitise_image", counting)
    return calls


def test_a_checked_upload_is_cleaned_once(cleanings, settings):
    article = make_article()
    article.lead_image = SimpleUploadedFile("harbour.jpg", _jpeg_with_location())
    article.lead_image_alt = "Boats at dawn"
    article.full_clean()
    article.save()
    assert len(cleanings) == 1
    stored = Article.objects.get(pk=article.pk)
    with Image.open(settings.MEDIA_ROOT / stored.lead_image.name) as image:
        assert not image.getexif()  # the cleaned copy is what was stored


def test_an_upload_set_in_code_is_still_cleaned_on_save(cleanings, settings):
    author = Author.objects.create(name="Ann Lee", slug="ann-lee")
    author.photo = SimpleUploadedFile("ann.jpg", _jpeg_with_location())
    author.save()
    assert len(cleanings) == 1
    with Image.open(settings.MEDIA_ROOT / author.photo.name) as image:
        assert not image.getexif()


def test_a_file_replaced_after_the_check_is_cleaned_itself(cleanings, settings):
    article = make_article(lead_image_alt="Boats")
    article.lead_image = SimpleUploadedFile("first.jpg", _jpeg_with_location())
    article.full_clean()
    article.lead_image = SimpleUploadedFile("second.jpg", _jpeg_with_location((10, 8)))
    article.save()
    assert len(cleanings) == 2
    assert Article.objects.get(pk=article.pk).lead_image_width == 10
