import os
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from articles.images import sanitise_image
from articles.models import Article
from tests.factories import make_article
from tests.pages import elements, json_ld_blocks

GPS_TAG = 0x8825


def _jpeg_with_location(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, "#3a6ea5")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_TAG] = {1: "N", 2: (51.0, 30.0, 0.0)}
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_uploaded_photos_lose_their_metadata():
    upload = SimpleUploadedFile("holiday.jpg", _jpeg_with_location(), "image/jpeg")
    with Image.open(BytesIO(upload.read())) as original:
        assert original.getexif()
    cleaned = sanitise_image(upload)
    with Image.open(cleaned) as image:
        assert not image.getexif()
        assert image.size == (64, 48)
    assert cleaned.name == "holiday.jpg"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"this is text, not a picture", "not an image we can read"),
        ("empty.png", b"", "not an image we can read"),
    ],
)
def test_files_that_are_not_images_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        sanitise_image(SimpleUploadedFile(name, content))


def test_oversized_uploads_are_refused(settings):
    settings.NEWSROOM_MAX_IMAGE_BYTES = 1000
    upload = SimpleUploadedFile("big.jpg", _jpeg_with_location((400, 400)))
    with pytest.raises(ValidationError, match="at most"):
        sanitise_image(upload)


def test_decompression_bombs_are_refused():
    # A tiny PNG that claims 100,000 × 100,000 pixels.
    image = Image.new("1", (10_000, 10_000))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    with pytest.raises(ValidationError):
        sanitise_image(
            SimpleUploadedFile("bomb.png", _inflate_png_header(buffer.getvalue()))
        )


def _inflate_png_header(png: bytes) -> bytes:
    # Rewrite the IHDR dimensions; Pillow reads them before decoding anything.
    ihdr = bytearray(png[8:33])
    ihdr[8:16] = struct.pack(">II", 100_000, 100_000)
    crc = struct.pack(">I", zlib.crc32(bytes(ihdr[4:21])) & 0xFFFFFFFF)
    return png[:8] + bytes(ihdr[:21]) + crc + png[33:]


@pytest.mark.django_db
def test_lead_image_is_published_with_size_alt_and_structured_data(anon, media):
    article = make_article()
    article.lead_image = SimpleUploadedFile("harbour.jpg", _jpeg_with_location())
    article.lead_image_alt = "Fishing boats in the harbour at dawn"
    article.lead_image_caption = "The harbour on Monday."
    article.full_clean()
    article.save()

    stored = Article.objects.get(pk=article.pk)
    assert (stored.lead_image_width, stored.lead_image_height) == (64, 48)
    with Image.open(media / stored.lead_image.name) as image:
        assert not image.getexif()

    html = anon.get(article.get_absolute_url()).content.decode()
    assert 'alt="Fishing boats in the harbour at dawn"' in html
    assert 'width="64" height="48"' in html
    image_ld = json_ld_blocks(html)["NewsArticle"]["image"][0]
    assert image_ld["url"].endswith(stored.lead_image.url)
    assert image_ld["width"] == 64


@pytest.mark.django_db
def test_lead_image_needs_alt_text(media):
    article = make_article()
    article.lead_image = SimpleUploadedFile("harbour.jpg", _jpeg_with_location())
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "lead_image_alt" in error.value.message_dict


@pytest.mark.django_db
def test_large_lead_images_get_lighter_renditions_for_phones(
    anon, media, django_capture_on_commit_callbacks
):
    article = make_article()
    article.lead_image = SimpleUploadedFile(
        "wide.jpg", _jpeg_with_location((2000, 1000))
    )
    article.lead_image_alt = "A wide view of the bay"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()

    stem = article.lead_image.name
    for width in (480, 960, 1600):
        with Image.open(media / f"{stem}.w{width}.webp") as copy:
            assert copy.size == (width, width // 2)
            assert not copy.getexif()
    html = anon.get(article.get_absolute_url()).content.decode()
    (img,) = [
        i for i in elements(html, "img") if i.get("alt") == "A wide view of the bay"
    ]
    sources = [part.strip().rsplit(" ", 1) for part in img["srcset"].split(",")]
    assert [w for _, w in sources] == ["480w", "960w", "1600w", "2000w"]
    assert sources[0][0].endswith(".w480.webp")
    assert "sizes" in img


@pytest.mark.django_db
def test_small_images_are_served_as_they_are(anon, media):
    article = make_article()
    article.lead_image = SimpleUploadedFile(
        "small.jpg", _jpeg_with_location((300, 200))
    )
    article.lead_image_alt = "A small picture"
    article.save()
    assert sorted(p.suffix for p in media.rglob("*") if p.is_file()) == [".jpg"]
    html = anon.get(article.get_absolute_url()).content.decode()
    (img,) = [i for i in elements(html, "img") if i.get("alt") == "A small picture"]
    assert "srcset" not in img


def _png(size=(1000, 500)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "#a53a3a").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_renditions_of_two_pictures_never_share_a_file(
    anon, media, django_capture_on_commit_callbacks
):
    first, second = make_article(), make_article()
    first.lead_image = SimpleUploadedFile("pic.png", _png())
    second.lead_image = SimpleUploadedFile("pic.jpg", _jpeg_with_location((1000, 500)))
    for article in (first, second):
        article.lead_image_alt = "A picture"
        with django_capture_on_commit_callbacks(execute=True):
            article.save()
    names = {first.lead_image.name, second.lead_image.name}
    assert len(names) == 2
    for name in names:
        assert (media / f"{name}.w480.webp").exists()


def test_files_are_named_for_what_they_really_are():
    cleaned = sanitise_image(SimpleUploadedFile("scan.jpg", _png((40, 20))))
    assert cleaned.name == "scan.png"
    with Image.open(cleaned) as image:
        assert image.format == "PNG"


def test_camera_jpegs_with_extra_pictures_are_accepted():
    buffer = BytesIO()
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("#123456", "#654321")]
    frames[0].save(buffer, format="MPO", save_all=True, append_images=frames[1:])
    cleaned = sanitise_image(SimpleUploadedFile("camera.jpg", buffer.getvalue()))
    with Image.open(cleaned) as image:
        assert image.format == "JPEG"
        assert image.size == (60, 40)


def test_animated_gifs_keep_every_frame():
    buffer = BytesIO()
    frames = [Image.new("RGB", (20, 20), c) for c in ("#f00", "#0f0", "#00f")]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    cleaned = sanitise_image(SimpleUploadedFile("spinner.gif", buffer.getvalue()))
    with Image.open(cleaned) as image:
        assert image.n_frames == 3


@pytest.mark.django_db(transaction=True)
def test_renditions_wait_for_the_commit_and_a_rolled_back_save_makes_none(media):
    article = make_article()
    article.lead_image = SimpleUploadedFile(
        "kept.jpg", _jpeg_with_location((1200, 600))
    )
    article.lead_image_alt = "A harbour"
    with transaction.atomic():
        article.save()
        assert not list(media.rglob("*.webp"))  # not inside the transaction
    assert (media / f"{article.lead_image.name}.w480.webp").exists()

    other = make_article()
    other.lead_image = SimpleUploadedFile("lost.jpg", _jpeg_with_location((1200, 600)))
    other.lead_image_alt = "A pier"
    with pytest.raises(RuntimeError), transaction.atomic():
        other.save()
        raise RuntimeError("the editor's save failed after the row was written")
    assert not list(media.rglob("lost*.webp"))


@pytest.mark.django_db
def test_saving_an_article_again_does_not_remake_its_renditions(
    media, django_capture_on_commit_callbacks
):
    article = make_article()
    article.lead_image = SimpleUploadedFile(
        "dock.jpg", _jpeg_with_location((1200, 600))
    )
    article.lead_image_alt = "A dock"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    rendition = media / f"{article.lead_image.name}.w480.webp"
    earlier = rendition.stat().st_mtime_ns - 10**9
    os.utime(rendition, ns=(earlier, earlier))

    article.title = "Dock strike ends"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert rendition.stat().st_mtime_ns == earlier
