"""Pictures made in the tests themselves, good and bad, and library images to use.

Every bad file is built here from bytes, the way a careless or hostile
upload would arrive: a PNG named .jpg, a decompression bomb, markup renamed
.png, a truncated JPEG, a phone photo with its GPS position.
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Pillow

from articles.models import Image
from tests.factories import _committed

GPS_TAG = 0x8825


def jpeg(size=(64, 48), colour="#3a6ea5", *, gps: bool = False) -> bytes:
    picture = Pillow.new("RGB", size, colour)
    buffer = BytesIO()
    if gps:
        exif = Pillow.Exif()
        exif[0x010F] = "PhoneMaker"
        exif[GPS_TAG] = {1: "N", 2: (51.0, 30.0, 0.0)}
        picture.save(buffer, format="JPEG", exif=exif)
    else:
        picture.save(buffer, format="JPEG")
    return buffer.getvalue()


def png(size=(64, 48), colour="#a53a3a") -> bytes:
    buffer = BytesIO()
    Pillow.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb() -> bytes:
    """A small PNG whose header claims 8,000 × 8,000 pixels: over our limit of
    50 million, under Pillow's own alarm, so only our check can refuse it."""
    data = png((10, 10))
    header = bytearray(data[8:33])
    header[8:16] = struct.pack(">II", 8_000, 8_000)
    crc = struct.pack(">I", zlib.crc32(bytes(header[4:21])) & 0xFFFFFFFF)
    return data[:8] + bytes(header[:21]) + crc + data[33:]


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def truncated_jpeg() -> bytes:
    whole = jpeg((400, 300))
    return whole[: len(whole) // 2]


# (file name, content) of uploads every image path must refuse.
BAD_UPLOADS = {
    "svg-renamed": ("drawing.png", SVG),
    "html-renamed": ("page.png", HTML),
    "truncated": ("cut-short.jpg", truncated_jpeg()),
    "bomb": ("bomb.png", bomb()),
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def has_exif(path: Path) -> bool:
    with Pillow.open(path) as picture:
        return bool(picture.getexif())


def stored_files(media: Path) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


@_committed
def make_image(
    *, name: str = "harbour.jpg", size=(64, 48), content: bytes | None = None, **fields
) -> Image:
    """A library picture, stored and cleaned as an upload at the desk would be."""
    values = {"alt_text": "Fishing boats in the harbour at dawn"}
    values.update(fields)
    image = Image(file=upload(name, content or jpeg(size)), **values)
    image.full_clean()
    image.save()
    return image
