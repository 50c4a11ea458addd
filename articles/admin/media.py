"""Pictures placed in an article's text, on the article's change form.

- **Figures**: a picture from the library, found by typing (autocomplete),
  or a new file uploaded right there, which joins the library with the alt
  text, caption, credit and focal point typed in the same row. A figure is
  placed in a section as a table is (``placement``), even one added in the
  same save: after the section's text, or after one of its paragraphs.
- **On a live story** the changes wait as a pending edit, saved in a
  transaction that is rolled back (``revisions``). A new picture is a
  library item in its own right: after the rollback it is saved again, for
  good, and the pending edit shows that one, published or not.
- **Lead picture**: the article's "Lead image" fields also offer a picture
  from the library (articles/pictures.py keeps the lead image in step).

The library's own screen is ``library``. ``PicturesMixin`` goes among
ArticleAdmin's bases.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from ..models import Figure, Image
from ..models.media import alt_text_problem
from .library import PICTURE_CSS, PICTURE_JS, FocalPointField, thumbnail
from .ordering import OrderedStackedInline, PositionedForm
from .placement import (
    SectionPlacementFormSet,
    SectionPlacementMixin,
    section_placement_field,
)
from .revisions import outlast_rollback

# A new picture's fields in the library, and where the figure's form shows them.
_UPLOAD_FIELDS = {
    "file": "upload",
    "alt_text": "alt_text",
    "caption": "caption",
    "credit": "credit",
    "focal_x": "focal_point",
    "focal_y": "focal_point",
}


class FigureForm(SectionPlacementMixin, PositionedForm):
    """A picture in the text: from the library, or uploaded here into the library."""

    placed = "picture"

    section = section_placement_field("picture")
    upload = forms.ImageField(
        label="Or upload a new picture",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text="It joins the image library with the alt text, caption, credit "
        "and focal point below. Location data and other metadata are removed.",
    )
    focal_point = FocalPointField(
        label="Focal point of the new picture",
        source="upload",
        required=False,
        help_text="What must stay in view when a card crops it. Click or tap the "
        "subject, or move the marker with the arrow keys (Shift for finer steps).",
    )

    class Meta:
        model = Figure
        fields = [
            "after_paragraph",
            "image",
            "alt_text",
            "caption",
            "credit",
            "position",
        ]
        labels = {
            "after_paragraph": "After paragraph",
            "image": "Picture from the library",
            "alt_text": "Alt text",
            "caption": "Caption",
            "credit": "Credit",
        }
        help_texts = {
            "after_paragraph": "The number of the section's paragraph the "
            "picture follows: 1 after the first (a list or a quotation counts "
            "as one), 0 before the first. Empty, or past the last paragraph: "
            "after the section's text.",
            "alt_text": "Describes the picture for readers who cannot see it. "
            "Required for a new picture; for one from the library, only if it "
            "needs another description here (empty: the library's).",
            "caption": "For a library picture, empty shows the library's caption.",
            "credit": "For a library picture, empty shows the library's credit.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.new_image: Image | None = None
        # Either this or an upload; clean() says which is missing.
        self.fields["image"].required = False

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("after_paragraph") is not None
            and cleaned.get("section") is None
            and "section" not in self.errors
        ):
            self.add_error(
                "after_paragraph",
                "Choose the section whose paragraphs are counted, or leave this empty.",
            )
        upload, picture = cleaned.get("upload"), cleaned.get("image")
        if upload and picture:
            self.add_error(
                "upload",
                "Choose a picture from the library or upload a new one, not both.",
            )
        elif upload:
            self._check_new_image(cleaned, upload)
        elif not picture and "image" not in self.errors:
            self.add_error(
                "image", "Choose a picture from the library, or upload a new one."
            )
        return cleaned

    def _check_new_image(self, cleaned: dict, upload) -> None:
        """The upload as a library picture, checked as the library checks one."""
        x, y = cleaned.get("focal_point") or (50, 50)
        image = Image(
            file=upload,
            alt_text=cleaned.get("alt_text", ""),
            caption=cleaned.get("caption", ""),
            credit=cleaned.get("credit", ""),
            focal_x=x,
            focal_y=y,
        )
        problem = alt_text_problem(image.alt_text, upload.name)
        if problem:
            self.add_error("alt_text", problem)
            return
        try:
            image.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(_UPLOAD_FIELDS.get(field), messages)
            return
        self.new_image = image
        # The text typed went to the library picture; the figure shows the library's.
        for name in ("alt_text", "caption", "credit"):
            cleaned[name] = ""

    def save_new_image(self, user) -> Image | None:
        """The uploaded picture, saved in the library and shown by this figure."""
        if self.new_image is None:
            return None
        image, self.new_image = self.new_image, None
        image.uploaded_by = user
        image.save()
        self.instance.image = image
        return image


def _saved_again(image: Image) -> Callable[[dict], None]:
    """After a rollback: ``image`` saved again, and a state's figures showing it.

    Its file is stored already (files are not rolled back); the new row
    takes it as it is, and its renditions follow the commit.
    """
    values = {
        field.attname: getattr(image, field.attname)
        for field in Image._meta.concrete_fields
        if not field.primary_key
    }
    values["file"] = image.file.name
    number = image.pk

    def keep(state: dict) -> None:
        kept = Image(**values)
        kept.save()
        for row in state["parts"].get("figures", []):
            if row["fields"].get("image") == number:
                row["fields"]["image"] = kept.pk

    return keep


class FigureFormSet(SectionPlacementFormSet):
    """Figures placed in sections as tables are; an upload joins the library first."""

    # Set by FigureInline.
    request: HttpRequest | None = None

    def save_new(self, form, commit: bool = True):
        self._save_new_image(form)
        return super().save_new(form, commit=commit)

    def save_existing(self, form, obj, commit: bool = True):
        self._save_new_image(form)
        return super().save_existing(form, obj, commit=commit)

    def _save_new_image(self, form: FigureForm) -> None:
        user = self.request.user if self.request is not None else None
        image = form.save_new_image(user)
        if image is not None and self.request is not None:
            # A live story's edit is rolled back to be kept as pending: the
            # picture stays in the library, and the edit shows that one.
            outlast_rollback(self.request, _saved_again(image))


class FigureInline(OrderedStackedInline):
    model = Figure
    form = FigureForm
    formset = FigureFormSet
    extra = 0
    fk_name = "article"
    verbose_name = "picture in the text"
    verbose_name_plural = "pictures in the text"
    autocomplete_fields = ["image"]
    # Placed by the formset from the form's own "section" field.
    exclude = ["section"]
    readonly_fields = ["current"]
    fields = [
        ("section", "after_paragraph"),
        "current",
        ("image", "upload"),
        "focal_point",
        "alt_text",
        ("caption", "credit"),
    ]
    classes = ["figures-inline"]

    class Media:
        css = {"all": PICTURE_CSS}
        js = PICTURE_JS

    @admin.display(description="Now")
    def current(self, obj: Figure) -> SafeString:
        return thumbnail(obj.image) if obj.pk else mark_safe("")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Figure]:
        return super().get_queryset(request).select_related("section", "image")

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset: type[BaseInlineFormSet] = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})


class PicturesMixin(admin.ModelAdmin):
    """For ArticleAdmin: pictures in the text, and the lead picture from the library."""

    def get_inlines(self, request: HttpRequest, obj):
        inlines = list(super().get_inlines(request, obj))
        if FigureInline not in inlines:
            # After the tables: the parts that are placed in sections.
            names = [inline.__name__ for inline in inlines]
            at = names.index("TableInline") + 1 if "TableInline" in names else None
            inlines.insert(len(inlines) if at is None else at, FigureInline)
        return inlines

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        return [*super().get_autocomplete_fields(request), "lead_picture"]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        shown = []
        for name, options in fieldsets:
            fields = list(options.get("fields", []))
            if name == "Lead image" and "lead_picture" not in fields:
                fields.insert(0, "lead_picture")
                options = {**options, "fields": fields}
            shown.append((name, options))
        return shown
