"""The image library at the desk, and pictures placed in an article's text.

- **Images**: the library's list (thumbnails, searched by alt text, caption
  and credit) and its form: the picture, its alt text, caption, credit and
  focal point. The focal point is two numbers (per cent across and down),
  which ``static/js/desk-media.js`` turns into a marker on the picture,
  moved with the arrow keys, a click or a tap.
- **Figures** on the article's change form: a picture from the library,
  found by typing (autocomplete), or a new file uploaded right there, which
  joins the library with the alt text, caption, credit and focal point typed
  in the same row. A figure is placed in a section as a table is, even one
  added in the same save.
- **Lead picture**: the article's "Lead image" fields also offer a picture
  from the library (articles/pictures.py keeps the lead image in step).

``PicturesMixin`` goes among ArticleAdmin's bases.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..images import srcset
from ..models import Article, Figure, Image, Section
from ..models.media import alt_text_problem
from .inlines import (
    SECTIONS_PREFIX,
    SectionPlacementField,
    SectionSlot,
    TableFormSet,
)
from .ordering import OrderedStackedInline, PositionedForm

_CSS = ["css/desk-media.css"]
_JS = ["js/desk-media.js"]
_AXES = ("Across, % from the left", "Down, % from the top")
# A new picture's fields in the library, and where the figure's form shows them.
_UPLOAD_FIELDS = {
    "file": "upload",
    "alt_text": "alt_text",
    "caption": "caption",
    "credit": "credit",
    "focal_x": "focal_point",
    "focal_y": "focal_point",
}


class FocalPointWidget(forms.MultiWidget):
    """Two numbers with their own labels; the script adds the marker on the picture.

    ``source`` names the file input of the same form whose chosen file the
    script shows before it is uploaded; ``preview_url`` the stored picture.
    """

    def __init__(self, attrs=None, *, source: str = "file") -> None:
        number = {"min": "0", "max": "100", "step": "1", "class": "vIntegerField"}
        super().__init__([forms.NumberInput(number), forms.NumberInput(number)], attrs)
        self.source = source
        self.preview_url = ""

    def decompress(self, value) -> list:
        return list(value) if value else [50, 50]

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        values = value if isinstance(value, list) else self.decompress(value)
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.get("id", f"id_{name}")
        shared = {k: v for k, v in final.items() if k.startswith("aria-")}
        axes = []
        for n, (label, widget) in enumerate(zip(_AXES, self.widgets, strict=True)):
            sub_id = f"{base_id}_{n}"
            control = widget.render(
                f"{name}_{n}",
                values[n] if n < len(values) else None,
                {**shared, "id": sub_id},
                renderer,
            )
            axes.append((sub_id, label, control))
        return format_html(
            '<div class="focal-point" data-focal-point data-source="{}"'
            ' data-preview="{}">{}</div>',
            self.source,
            self.preview_url,
            format_html_join(
                "",
                '<span class="focal-point-axis"><label for="{}">{}</label> {}</span>',
                axes,
            ),
        )


class FocalPointField(forms.MultiValueField):
    """(across, down) in per cent; empty is the middle."""

    def __init__(self, *, source: str = "file", **kwargs) -> None:
        kwargs.setdefault("widget", FocalPointWidget(source=source))
        fields = (
            forms.IntegerField(min_value=0, max_value=100),
            forms.IntegerField(min_value=0, max_value=100),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list) -> tuple[int, int]:
        x, y = [*data_list, None, None][:2]
        return (50 if x is None else x, 50 if y is None else y)


def thumbnail(image: Image | None, width: int = 96) -> SafeString:
    """A small picture for the desk; decorative, as its alt text is shown beside it."""
    if image is None or not image.file:
        return mark_safe("")
    height = round(width * image.height / image.width) if image.width else width
    sources = srcset(image.file, image.width)
    return format_html(
        '<img class="desk-thumbnail" src="{}"{} alt="" width="{}" height="{}"'
        ' loading="lazy">',
        image.file.url,
        format_html(' srcset="{}" sizes="{}px"', sources, width) if sources else "",
        width,
        height,
    )


class ImageForm(forms.ModelForm):
    focal_point = FocalPointField(
        label="Focal point",
        required=False,
        help_text="The part of the picture that must stay in view when a card "
        "crops it. Click or tap the subject, or move the marker with the arrow "
        "keys (Shift for finer steps).",
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        # Not the clearable input: a picture cannot be cleared, only replaced,
        # and the plain input keeps its own label (the clearable one's is a
        # legend, which leaves the input itself unnamed).
        widgets = {"file": forms.FileInput(attrs={"accept": "image/*"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        image = self.instance
        self.fields["focal_point"].initial = (image.focal_x, image.focal_y)
        if image.pk and image.file:
            self.fields["focal_point"].widget.preview_url = image.file.url

    def clean(self) -> dict:
        cleaned = super().clean()
        across, down = cleaned.get("focal_point") or (50, 50)
        self.instance.focal_x, self.instance.focal_y = across, down
        return cleaned


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "picture",
        "alt_text",
        "caption",
        "credit",
        "size",
        "uploaded_by",
        "created_at",
    ]
    list_display_links = ["alt_text"]
    list_filter = ["created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    list_select_related = ["uploaded_by"]
    readonly_fields = ["preview", "used_in", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt_text", ("caption", "credit")]}),
        ("Thumbnails", {"fields": ["focal_point"]}),
        ("Where it is used", {"fields": ["used_in", ("uploaded_by", "created_at")]}),
    ]

    class Media:
        css = {"all": _CSS}
        js = _JS

    @admin.display(description="Picture")
    def picture(self, obj: Image) -> SafeString:
        return thumbnail(obj)

    @admin.display(description="Size")
    def size(self, obj: Image) -> str:
        return f"{obj.width} × {obj.height}" if obj.width else ""

    @admin.display(description="Now")
    def preview(self, obj: Image) -> SafeString:
        return thumbnail(obj, 320)

    @admin.display(description="Used in")
    def used_in(self, obj: Image) -> SafeString:
        if obj.pk is None:
            return mark_safe("")
        articles = (
            Article.objects.filter(Q(figures__image=obj) | Q(lead_picture=obj))
            .distinct()
            .order_by("title")
            .values_list("pk", "title")
        )
        links = [
            (reverse("admin:articles_article_change", args=[pk]), title)
            for pk, title in articles
        ]
        if not links:
            return mark_safe("No article yet.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    def save_model(self, request: HttpRequest, obj: Image, form, change) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


# -- figures on the article's change form ----------------------------------------


class FigureForm(PositionedForm):
    """A picture in the text: from the library, or uploaded here into the library."""

    section = SectionPlacementField(
        label="Section",
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={"data-section-picker": SECTIONS_PREFIX, "autocomplete": "off"}
        ),
        help_text="The picture appears after this section's text (the section's "
        "heading). Empty: at the end of the article.",
    )
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
        fields = ["image", "alt_text", "caption", "credit", "position"]
        labels = {
            "image": "Picture from the library",
            "alt_text": "Alt text",
            "caption": "Caption",
            "credit": "Credit",
        }
        help_texts = {
            "alt_text": "Describes the picture for readers who cannot see it. "
            "Required for a new picture; for one from the library, only if it "
            "needs another description here (empty: the library's).",
            "caption": "For a library picture, empty shows the library's caption.",
            "credit": "For a library picture, empty shows the library's credit.",
        }

    def __init__(self, *args, section_slots=None, section_key=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section_slots = section_slots
        self.new_image: Image | None = None
        # Either this or an upload; clean() says which is missing.
        self.fields["image"].required = False
        placed = self.instance.section if self.instance.section_id else None
        if placed is not None:
            self.fields["section"].initial = placed.heading or (
                section_key(placed.pk) if section_key else ""
            )
            self.fields["section"].widget.attrs["data-section-id"] = str(placed.pk)
        self.fields["section"].moved = self._placement_changed

    def clean_section(self) -> SectionSlot | None:
        slot = self._find_slot(self.cleaned_data["section"])
        if slot is not None and slot.is_deleted:
            raise ValidationError(
                f"The section {slot.name} is being deleted: choose another, or "
                "leave this empty to put the picture at the end."
            )
        return slot

    def clean(self) -> dict:
        cleaned = super().clean()
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

    def save_new_image(self, user) -> None:
        if self.new_image is not None:
            self.new_image.uploaded_by = user
            self.new_image.save()
            self.instance.image = self.new_image
            self.new_image = None

    # Placement, as for tables (articles/admin/inlines.py).

    def _slots(self) -> list[SectionSlot]:
        if self.section_slots is not None:
            return self.section_slots
        article_id = self.instance.article_id
        sections = Section.objects.filter(article_id=article_id).order_by(
            "position", "id"
        )
        return [
            SectionSlot(f"saved-{s.pk}", s.heading, s.pk, False)
            for s in (sections if article_id else [])
        ]

    def _find_slot(self, value: str) -> SectionSlot | None:
        value = " ".join((value or "").split())
        if not value:
            return None
        slots = self._slots()
        by_key = [slot for slot in slots if slot.key == value]
        if by_key:
            return by_key[0]
        named = [slot for slot in slots if slot.heading.casefold() == value.casefold()]
        kept = [slot for slot in named if not slot.is_deleted]
        if len(kept) > 1:
            raise ValidationError(
                f"{len(kept)} sections have the heading “{value}”: choose one from "
                "the list, or give them different headings."
            )
        if not named:
            raise ValidationError(
                f"No section of this article has the heading “{value}”. Type a "
                "heading exactly as it is above, or leave this empty to put the "
                "picture at the end."
            )
        return (kept or named)[0]

    def _placement_changed(self, initial, data) -> bool:
        try:
            slot = self._find_slot(data)
        except ValidationError:
            return True
        if slot is None:
            return self.instance.section_id is not None
        return slot.pk is None or slot.pk != self.instance.section_id


class FigureFormSet(TableFormSet):
    """Figures placed in sections as tables are; an upload joins the library first."""

    user = None
    # Set by FigureInline: a live article's edits are kept apart until published.
    is_live = False

    def clean(self) -> None:
        super().clean()
        if not self.is_live:
            return
        for form in self.forms:
            if form.cleaned_data.get("upload") and not form.cleaned_data.get("DELETE"):
                # The pending version is saved in a transaction that is rolled
                # back; a new upload would not survive it.
                form.add_error(
                    "upload",
                    "This story is live: add the picture to the image library "
                    "first (Images › Add), then choose it here.",
                )

    def save_new(self, form, commit: bool = True):
        form.save_new_image(self.user)
        return super().save_new(form, commit=commit)

    def save_existing(self, form, obj, commit: bool = True):
        form.save_new_image(self.user)
        return super().save_existing(form, obj, commit=commit)


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
        "section",
        "current",
        ("image", "upload"),
        "focal_point",
        "alt_text",
        ("caption", "credit"),
    ]
    classes = ["figures-inline"]

    class Media:
        css = {"all": _CSS}
        js = _JS

    @admin.display(description="Now")
    def current(self, obj: Figure) -> SafeString:
        return thumbnail(obj.image) if obj.pk else mark_safe("")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Figure]:
        return super().get_queryset(request).select_related("section", "image")

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset: type[BaseInlineFormSet] = super().get_formset(request, obj, **kwargs)
        return type(
            formset.__name__,
            (formset,),
            {"user": request.user, "is_live": obj is not None and obj.is_public},
        )


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
