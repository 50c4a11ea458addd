"""Uploaded images: checked, turned upright, stripped of metadata, and resized.

Photos from phones carry GPS positions and camera serial numbers in EXIF;
re-encoding the pixels drops all of it before the file reaches storage.
Smaller WebP copies (renditions) let pages offer phones a lighter file.
"""

from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Larger images are refused rather than decoded (decompression bombs).
MAX_PIXELS = 50_000_000
# Accepted formats: what each is saved as, and its file extension. Cameras
# write JPEGs with extra pictures (MPO); the main picture is kept as a JPEG.
_FORMATS = {
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
    "GIF": ("GIF", "gif"),
}
_SAVE_OPTIONS = {"JPEG": {"quality": 85, "optimize": True, "progressive": True}}


def sanitise_image(upload) -> ContentFile:
    """Return a metadata-free copy of ``upload``, named for its real format.

    Raises ValidationError if it is not an image we accept.
    """
    if upload.size > settings.NEWSROOM_MAX_IMAGE_BYTES:
        limit = settings.NEWSROOM_MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"Images may be at most {limit} MB.")
    upload.seek(0)  # pragma: no mutate
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels to process.")
            probe.verify()
        if fmt not in _FORMATS:
            raise ValidationError("Upload a JPEG, PNG, WebP or GIF image.")
        save_as, extension = _FORMATS[fmt]
        upload.seek(0)  # pragma: no mutate
        buffer = BytesIO()
        with Image.open(upload) as image:
            if save_as in ("GIF", "WEBP") and getattr(
                image,
                "is_animated",
                False,  # pragma: no mutate
            ):  # pragma: no mutate
                # Every frame is re-encoded, which leaves the metadata behind.
                image.save(buffer, format=save_as, save_all=True)
            else:
                image.load()
                upright = ImageOps.exif_transpose(image)
                if save_as == "JPEG" and upright.mode not in (
                    "RGB",  # pragma: no mutate
                    "L",
                ):
                    upright = upright.convert("RGB")
                upright.save(buffer, format=save_as, **_SAVE_OPTIONS.get(save_as, {}))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError("This file is not an image we can read.") from None
    stem = PurePath(upload.name or "image").stem[:80] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{extension}")


# Widths of the smaller copies pages offer through srcset, so a phone does not
# download a camera-sized original. Only widths below the original are made.
RENDITION_WIDTHS = (480, 960, 1600)


def rendition_name(name: str, width: int) -> str:
    """A rendition's file name: the original's whole name, so two originals never share one."""
    return f"{name}.w{width}.webp"


def make_renditions(field_file: FieldFile) -> list[str]:
    """Write WebP copies of a stored image at each rendition width; return their names."""
    storage = field_file.storage
    made = []
    with field_file.open("rb"), Image.open(field_file) as original:
        original.load()
        has_alpha = original.mode in ("RGBA", "LA") or "transparency" in original.info
        source = original.convert(
            "RGBA"
            if has_alpha  # pragma: no mutate
            else "RGB"
        )
        for width in RENDITION_WIDTHS:
            if width >= source.width:
                break
            height = max(1, round(source.height * width / source.width))
            buffer = BytesIO()
            # pragma: no mutate start
            source.resize((width, height), Image.Resampling.LANCZOS).save(
                buffer, format="WEBP", quality=80, method=4
            )
            # pragma: no mutate end
            name = rendition_name(field_file.name, width)
            storage.delete(name)
            made.append(storage.save(name, ContentFile(buffer.getvalue())))
    return made


def make_missing_renditions(field_file: FieldFile) -> list[str]:
    """``make_renditions``, unless the image already has every rendition its width calls for."""
    with field_file.open("rb"), Image.open(field_file) as image:
        wanted = [
            rendition_name(field_file.name, width)
            for width in RENDITION_WIDTHS
            if width < image.width
        ]
    if all(field_file.storage.exists(name) for name in wanted):
        return []
    return make_renditions(field_file)


def srcset(field_file: FieldFile, width: int | None) -> str:
    """The srcset value for a stored image: its renditions, then the original."""
    if not field_file or not width:
        return ""
    candidates = [
        f"{field_file.storage.url(rendition_name(field_file.name, w))} {w}w"
        for w in RENDITION_WIDTHS
        if w < width
    ]
    if not candidates:
        return ""
    return ", ".join([*candidates, f"{field_file.url} {width}w"])
