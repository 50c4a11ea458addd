"""Uploaded images (articles/images.py): each limit at its edge, and renditions that keep what they show.

Written for the mutants that survived ``make mutants`` (docs/mutants.md).
"""

import os
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from articles.images import (
    make_missing_renditions,
    make_renditions,
    sanitise_image,
    srcset,
)
from articles.models import Article


def _encoded(image: Image.Image, fmt: str, **save) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _png(size, mode="RGB", colour="#3a6ea5", **save) -> bytes:
    return _encoded(Image.new(mode, size, colour), "PNG", **save)


def _cleaned(name, data: bytes) -> Image.Image:
    return Image.open(sanitise_image(SimpleUploadedFile(name, data)))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(name: str, data: bytes):
    """A lead image already in storage, as Article.save() leaves it."""
    stored = default_storage.save(name, ContentFile(data))
    return Article(lead_image=stored).lead_image


def test_an_image_exactly_at_the_size_limit_is_accepted(settings):
    data = _png((40, 20))
    settings.NEWSROOM_MAX_IMAGE_BYTES = len(data)
    assert sanitise_image(SimpleUploadedFile("at-limit.png", data)).name == (
        "at-limit.png"
    )
    settings.NEWSROOM_MAX_IMAGE_BYTES = len(data) - 1
    with pytest.raises(ValidationError):
        sanitise_image(SimpleUploadedFile("over-limit.png", data))


def test_the_size_limit_is_told_in_whole_megabytes(settings):
    settings.NEWSROOM_MAX_IMAGE_BYTES = 2 * 1024 * 1024
    upload = SimpleUploadedFile("huge.jpg", b"\0" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as refused:
        sanitise_image(upload)
    assert refused.value.messages == ["Images may be at most 2 MB."]


def test_too_many_pixels_is_refused_by_area_and_the_limit_itself_is_allowed(
    monkeypatch,
):
    monkeypatch.setattr(images, "MAX_PIXELS", 40 * 20)
    assert sanitise_image(SimpleUploadedFile("at.png", _png((40, 20))))
    with pytest.raises(ValidationError) as refused:
        sanitise_image(SimpleUploadedFile("over.png", _png((40, 21))))
    assert refused.value.messages == ["This image has too many pixels to process."]


def test_a_format_we_do_not_publish_is_refused_by_name():
    bitmap = _encoded(Image.new("RGB", (20, 10)), "BMP")
    with pytest.raises(ValidationError) as refused:
        sanitise_image(SimpleUploadedFile("scan.bmp", bitmap))
    assert refused.value.messages == ["Upload a JPEG, PNG, WebP or GIF image."]


def test_a_file_that_is_no_image_is_refused_in_plain_words():
    with pytest.raises(ValidationError) as refused:
        sanitise_image(SimpleUploadedFile("notes.png", b"not a picture"))
    assert refused.value.messages == ["This file is not an image we can read."]


def test_animated_webp_keeps_every_frame():
    frames = [Image.new("RGB", (20, 20), c) for c in ("#f00", "#0f0", "#00f")]
    data = _encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    with _cleaned("spinner.webp", data) as image:
        assert image.n_frames == 3


def test_transparent_png_keeps_its_transparency():
    with _cleaned("logo.png", _png((20, 10), "RGBA", (0, 0, 0, 0))) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((5, 5))[3] == 0


def test_greyscale_jpeg_stays_greyscale():
    data = _encoded(Image.new("L", (20, 10), 128), "JPEG")
    with _cleaned("grey.jpg", data) as image:
        assert image.mode == "L"


def test_print_colour_jpeg_is_published_in_screen_colours():
    # CMYK JPEGs from print desks show with wrong colours in some browsers.
    data = _encoded(Image.new("CMYK", (20, 10), (0, 255, 255, 0)), "JPEG")
    with _cleaned("print.jpg", data) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((5, 5))
        assert red > 200 and green < 60 and blue < 60


def test_jpegs_are_saved_progressive_for_slow_connections():
    data = _encoded(Image.new("RGB", (64, 48), "#3a6ea5"), "JPEG")
    with _cleaned("photo.jpg", data) as image:
        assert image.info.get("progressive") == 1


@pytest.mark.parametrize(
    ("name", "stored_as"),
    [
        (None, "image.png"),
        (".", "image.png"),
        ("a" * 100 + ".png", "a" * 80 + ".png"),
    ],
    ids=["no-name", "no-stem", "long-name"],
)
def test_cleaned_files_always_get_a_short_usable_name(name, stored_as):
    upload = File(BytesIO(_png((4, 4))), name=name)
    assert sanitise_image(upload).name == stored_as


@pytest.mark.parametrize(
    ("mode", "colour", "save"),
    [
        ("RGBA", (10, 20, 30, 0), {}),
        ("LA", (128, 0), {}),
        ("P", 0, {"transparency": 0}),
    ],
    ids=["rgba", "grey-with-alpha", "palette-with-transparent-colour"],
)
def test_renditions_of_transparent_images_stay_transparent(media, mode, colour, save):
    field_file = _stored("logo.png", _png((1000, 500), mode, colour, **save))
    make_renditions(field_file)
    with Image.open(media / "logo.png.w480.webp") as rendition:
        assert rendition.mode == "RGBA"
        assert rendition.getpixel((10, 10))[3] == 0  # see-through, not black


def test_renditions_of_opaque_images_carry_no_alpha_channel(media):
    field_file = _stored("photo.png", _png((1000, 500)))
    make_renditions(field_file)
    with Image.open(media / "photo.png.w480.webp") as rendition:
        assert rendition.mode == "RGB"


def test_renditions_of_black_and_white_drawings_are_smoothed_not_jagged(media):
    # One-pixel black and white stripes shrink to an even grey, not to stripes.
    stripes = Image.new("1", (1000, 500))
    stripes.putdata([255 * (x % 2) for _ in range(500) for x in range(1000)])
    field_file = _stored("stripes.png", _encoded(stripes, "PNG"))
    make_renditions(field_file)
    with Image.open(media / "stripes.png.w480.webp") as rendition:
        row = [rendition.convert("L").getpixel((x, 120)) for x in range(100, 140)]
    assert all(60 < value < 200 for value in row)


def test_an_image_as_wide_as_a_rendition_is_not_copied_at_its_own_width(media):
    field_file = _stored("exact.png", _png((960, 480)))
    make_renditions(field_file)
    assert sorted(p.name for p in media.iterdir()) == [
        "exact.png",
        "exact.png.w480.webp",
    ]
    assert srcset(field_file, 960) == (
        "/media/exact.png.w480.webp 480w, /media/exact.png 960w"
    )


def test_an_image_as_wide_as_a_rendition_is_not_remade_once_it_has_its_renditions(
    media,
):
    # Renditions are only made below the original's width: a 960-wide image
    # never gets a 960 copy, so it must not be taken for one still waiting.
    field_file = _stored("exact.png", _png((960, 480)))
    assert make_renditions(field_file) == ["exact.png.w480.webp"]
    rendition = media / "exact.png.w480.webp"
    earlier = rendition.stat().st_mtime_ns - 10**9
    os.utime(rendition, ns=(earlier, earlier))
    assert make_missing_renditions(field_file) == []
    assert rendition.stat().st_mtime_ns == earlier


def test_renditions_are_made_for_an_image_read_back_from_its_row(media):
    # A row loaded from the database knows the image's size, so nothing has
    # opened the file yet.
    stored = default_storage.save("archive.png", ContentFile(_png((1000, 500))))
    field_file = Article(
        lead_image=stored, lead_image_width=1000, lead_image_height=500
    ).lead_image
    assert make_renditions(field_file) == [
        "archive.png.w480.webp",
        "archive.png.w960.webp",
    ]


def test_a_thin_banner_keeps_renditions_one_pixel_high(media):
    field_file = _stored("rule.png", _png((961, 1)))
    make_renditions(field_file)
    with Image.open(media / "rule.png.w480.webp") as rendition:
        assert rendition.size == (480, 1)


def test_srcset_names_this_images_own_renditions(media):
    field_file = _stored("harbour.png", _png((2000, 1000)))
    make_renditions(field_file)
    assert srcset(field_file, 2000) == (
        "/media/harbour.png.w480.webp 480w, /media/harbour.png.w960.webp 960w, "
        "/media/harbour.png.w1600.webp 1600w, /media/harbour.png 2000w"
    )


def test_no_srcset_without_a_known_width_or_without_a_file(media):
    field_file = _stored("unmeasured.png", _png((2000, 1000)))
    assert srcset(field_file, None) == ""
    assert srcset(Article().lead_image, 2000) == ""
