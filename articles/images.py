"""Uploaded images: checked, turned upright and stripped of metadata.

Photos from phones carry GPS positions and camera serial numbers in EXIF;
re-encoding the pixels drops all of it before the file reaches storage.
"""

from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Larger images are refused rather than decoded (decompression bombs).
MAX_PIXELS = 50_000_000
_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def sanitise_image(upload) -> ContentFile:
    """Return a metadata-free copy of ``upload``; raise ValidationError if unusable."""
    if upload.size > settings.NEWSROOM_MAX_IMAGE_BYTES:
        limit = settings.NEWSROOM_MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"Images may be at most {limit} MB.")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels to process.")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if fmt not in _FORMATS:
                raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
            buffer = BytesIO()
            options = {
                "JPEG": {"quality": 85, "optimize": True, "progressive": True}
            }.get(fmt, {})
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(buffer, format=fmt, **options)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError("This file is not an image we can read.") from None
    stem = PurePath(upload.name or "image").stem[:80] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{_FORMATS[fmt]}")
