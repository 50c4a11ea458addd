"""The image library at the desk (Images).

The library's list (thumbnails, searched by alt text, caption and credit)
and its form: the picture, its alt text, caption, credit and focal point.
The focal point is two numbers (per cent across and down), which
``static/js/desk-media.js`` turns into a marker on the picture, moved with
the arrow keys, a click or a tap. The pictures placed in an article's text
are edited on the article's form (``media``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..images import srcset
from ..models import Article, Image
from .add_form import AddFormMixin

# The focal point picker and thumbnails, wherever a picture is edited.
PICTURE_CSS = ["css/desk-media.css"]
PICTURE_JS = ["js/desk-media.js"]
_AXES = ("Across, % from the left", "Down, % from the top")


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
class ImageAdmin(AddFormMixin, admin.ModelAdmin):
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
        css = {"all": PICTURE_CSS}
        js = PICTURE_JS

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
