"""The image library, and pictures placed in an article's text (figures).

A picture is uploaded once (``Image``) and used anywhere: as a figure in a
section of any article, or as an article's lead image (``Article.lead_picture``;
articles/pictures.py keeps the lead image fields in step with it). Every
upload goes through the same checks as the lead image's (articles/images.py):
its real format, a pixel limit, metadata removed; WebP renditions follow
after the commit. Alt text is required and may not be a file's name.

A figure may give its own alt text, caption or credit, for a picture that
means something else in another story; empty, the library's are shown. It is
placed in a section as a table is, after the section's text or after one of
its paragraphs (``after_paragraph``: 0 is before the first; a number past the
last puts it after the text).
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from .article import Article
from .parts import PlacedInSection, placement_position, placement_section
from .uploads import check_upload, store_upload

# Thumbnails are cropped around the focal point in steps of this many per
# cent: the stylesheet has one class per step (CSP allows no inline styles).
FOCUS_STEP = 5


def alt_text_problem(alt: str, file_name: str = "") -> str:
    """Why ``alt`` does not describe a picture (empty: it may), for ``file_name``."""
    from ..checks import is_file_name  # checks imports the models

    alt = alt.strip()
    if not alt:
        return "Describe the picture for readers who cannot see it."
    stem = PurePath(file_name).stem.casefold()
    if is_file_name(alt) or (stem and alt.casefold() == stem):
        return (
            f"“{alt}” is a file name: describe what the picture shows, "
            "e.g. “Fishing boats moored in the harbour at dawn”."
        )
    return ""


def _percent(label: str, direction: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=f"Per cent from the {direction}: 50 is the middle. Cropped "
        "thumbnails keep this point of the picture in view.",
    )


class Image(models.Model):
    file = models.ImageField(
        "picture",
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="A JPEG, PNG, WebP or GIF image. Location data and other "
        "metadata are removed on upload. Replacing it changes the picture "
        "everywhere it is used.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="Describe the picture for readers who cannot see it, e.g. "
        "“Fishing boats moored in the harbour at dawn”. Not a file name.",
    )
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown under the picture, unless the article gives its own.",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Photographer or agency, shown after the caption.",
    )
    focal_x = _percent("focal point across", "left edge")
    focal_y = _percent("focal point down", "top edge")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("uploaded", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__lte=100) & Q(focal_y__lte=100),
                name="articles_image_focal_point_inside",
                violation_error_message="The focal point must lie inside the "
                "picture (0 to 100 per cent).",
            )
        ]
        indexes = [
            # The library's list, newest first.
            models.Index(fields=["-created_at", "-id"], name="articles_image_new_idx"),
            # Which picture a stored file is: cards' focal points, file clean-up.
            models.Index(fields=["file"], name="articles_image_file_idx"),
        ]

    def __str__(self) -> str:
        return self.alt_text

    def save(self, *args, **kwargs) -> None:
        store_upload(self.file)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        problem = alt_text_problem(self.alt_text, self.file.name if self.file else "")
        if problem:
            raise ValidationError({"alt_text": problem})
        check_upload(self.file, "file")

    @property
    def focus_classes(self) -> str:
        """The stylesheet's classes that crop a thumbnail around the focal point."""
        return focus_classes(self.focal_x, self.focal_y)


def focus_classes(x: int | None, y: int | None) -> str:
    """``focus-x-30 focus-y-70``: the focal point rounded to the stylesheet's steps."""

    def step(value: int | None) -> int:
        value = 50 if value is None else min(max(value, 0), 100)
        return FOCUS_STEP * round(value / FOCUS_STEP)

    return f"focus-x-{step(x)} focus-y-{step(y)}"


class Figure(PlacedInSection):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="figures"
    )
    section = placement_section("picture", "figures")
    after_paragraph = models.PositiveSmallIntegerField(
        "after paragraph",
        null=True,
        blank=True,
        help_text="Where in its section's text the picture appears: 1 after the "
        "first paragraph (a list or a quotation counts as one), 0 before it. "
        "Empty, or past the last paragraph: after the text.",
    )
    image = models.ForeignKey(
        Image,
        on_delete=models.PROTECT,
        related_name="figures",
        verbose_name="picture",
        help_text="Type to search the image library by alt text, caption or credit.",
    )
    position = placement_position("pictures")
    alt_text = models.CharField(
        "alt text here",
        max_length=300,
        blank=True,
        help_text="Only if the picture needs another description in this article; "
        "empty: the library's alt text.",
    )
    caption = models.CharField(
        "caption here",
        max_length=300,
        blank=True,
        help_text="Empty: the library's caption.",
    )
    credit = models.CharField(
        "credit here",
        max_length=200,
        blank=True,
        help_text="Empty: the library's credit.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.caption or 'Picture'} in “{self.article}”"

    def clean(self) -> None:
        if self.alt_text.strip():
            problem = alt_text_problem(self.alt_text)
            if problem:
                raise ValidationError({"alt_text": problem})
        super().clean()

    @property
    def shown_alt_text(self) -> str:
        return self.alt_text.strip() or self.image.alt_text

    @property
    def shown_caption(self) -> str:
        return self.caption.strip() or self.image.caption

    @property
    def shown_credit(self) -> str:
        return self.credit.strip() or self.image.credit
