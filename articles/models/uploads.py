"""Uploaded images are checked and cleaned once, whether or not a form saw them first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db.models.fields.files import FieldFile

from ..images import sanitise_image

_CLEANED = "_newsroom_cleaned_upload"


def check_upload(field_file: FieldFile, field_name: str) -> None:
    """Model.clean(): refuse a bad new upload, and keep its cleaned copy for save()."""
    if not field_file or field_file._committed:
        return
    try:
        cleaned = sanitise_image(field_file.file)
    except ValidationError as error:
        raise ValidationError({field_name: error.messages}) from None
    setattr(field_file, _CLEANED, cleaned)


def store_upload(field_file: FieldFile) -> bool:
    """Model.save(): store a new upload's cleaned copy; True if there was one.

    The copy made by check_upload() is used when the form checked the file;
    a file set in code is cleaned here.
    """
    if not field_file or field_file._committed:
        return False
    cleaned: File = getattr(field_file, _CLEANED, None) or sanitise_image(
        field_file.file
    )
    field_file.save(cleaned.name, cleaned, save=False)
    return True
