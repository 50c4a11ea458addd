"""An article's parts on its change form: bylines, sections, tables and FAQ.

Each part is ordered by dragging or with its Move buttons (``ordering``). A
table is placed in a section by naming one of the sections on the same form,
saved or not yet saved, so a new article's table finds its section on the
first save (``placement``, shared with the pictures in the text).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from ..models import ArticleTable, Byline, FaqItem, Section
from ..tabular import (
    ragged_rows_errors,
    read_table_text,
    rows_to_text,
    table_rows_errors,
)
from .ordering import OrderedPartsAdminMixin, OrderedStackedInline, PositionedForm
from .placement import (
    SectionPlacementFormSet,
    SectionPlacementMixin,
    section_placement_field,
)
from .shared_help import SharedHelpForm, SharedHelpInline


class BylineInline(OrderedStackedInline):
    # Stacked, as every part: a table's rows would leave the phone's screen,
    # and its inputs would have no labels of their own.
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author"]
    classes = ["bylines-inline"]


class SectionForm(SharedHelpForm, PositionedForm):
    class Meta:
        model = Section
        fields = [
            "heading",
            "body",
            "kind",
            "anchor",
            "part_heading",
            "is_follow_up",
            "position",
        ]
        # No other label says "heading" or "title": those name the section's
        # heading and the article's title, on the form and in browser tests.
        labels = {
            "anchor": "Link name",
            "part_heading": "Part name",
            "is_follow_up": "Follow-up part",
        }
        help_texts = {
            "anchor": "The #link to this section. Made from the heading when empty "
            "and then kept, so links people shared keep working if the heading "
            "is reworded.",
            "part_heading": "Starts a new part of the article above this section, "
            "shown as a large heading: this section and the ones after it, up to "
            "the next part name, are listed under it in the contents.",
            "is_follow_up": "Shows the part as a follow-up story: “Follow-up: ” "
            "before its name. Needs a part name.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("is_follow_up") and not cleaned.get("part_heading", "").strip():
            self.add_error(
                "is_follow_up",
                "A follow-up starts a part: give it a part name, or untick this.",
            )
        return cleaned


class SectionInline(SharedHelpInline, OrderedStackedInline):
    # Each field's help is said once, above the sections (``shared_help``).
    model = Section
    form = SectionForm
    extra = 0
    fields = ["heading", "body", ("kind", "anchor"), ("part_heading", "is_follow_up")]
    classes = ["sections-inline"]


class TableForm(SectionPlacementMixin, PositionedForm):
    """Edits ``rows`` as text: paste cells from a spreadsheet, CSV, or a pipe table."""

    placed = "table"

    data = forms.CharField(
        label="Rows",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"}),
        help_text="Paste cells from a spreadsheet, or type one row per line with "
        "cells separated by “|” (or commas). Every row needs the same number of "
        "cells.",
    )
    section = section_placement_field("table")

    class Meta:
        model = ArticleTable
        fields = [
            "caption",
            "position",
            "is_first_row_header",
            "is_first_column_header",
            "source_note",
        ]
        labels = {
            "is_first_row_header": "First row holds the headings",
            "is_first_column_header": "First column names the rows",
        }
        help_texts = {
            "is_first_row_header": "Its cells are shown as the columns' headings.",
            "is_first_column_header": "Each row's first cell is shown as that row's "
            "heading, e.g. a list of people.",
            "source_note": "Where the figures come from, shown under the table as "
            "“Source: …”.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.rows:
            self.fields["data"].initial = rows_to_text(self.instance.rows)

    def clean_data(self) -> list[list[str]]:
        try:
            return read_table_text(self.cleaned_data["data"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def add_error(self, field, error) -> None:
        # The model reports problems with ``rows``, which this form edits as
        # ``data``; when ``data`` was already refused, saying more would repeat it.
        if isinstance(error, ValidationError) and "rows" in getattr(
            error, "error_dict", {}
        ):
            problems = error.error_dict.pop("rows")
            if "data" not in self.errors:
                error.error_dict["data"] = problems
            if not error.error_dict:
                return
        super().add_error(field, error)

    def clean(self) -> dict:
        cleaned = super().clean()
        if "data" not in cleaned:
            return cleaned
        rows = cleaned["data"]
        # A short or long row is refused, not padded: its cells have probably
        # slipped. It is named against the header row when there is one.
        problems = ragged_rows_errors(
            rows, has_header_row=bool(cleaned.get("is_first_row_header"))
        ) or table_rows_errors(rows)
        if problems:
            self.add_error("data", problems)
        else:
            self.instance.rows = rows
        return cleaned


class TableFormSet(SectionPlacementFormSet):
    """Tables, each placed in a section named on the same form, even a new one."""


class TableInline(OrderedStackedInline):
    model = ArticleTable
    form = TableForm
    formset = TableFormSet
    extra = 0
    fk_name = "article"
    # Placed by TableFormSet from the form's own "section" field.
    exclude = ["section"]
    fields = [
        "caption",
        "data",
        ("is_first_row_header", "is_first_column_header"),
        "source_note",
        "section",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ArticleTable]:
        # Each form names its table's section.
        return super().get_queryset(request).select_related("section")


class FaqItemForm(PositionedForm):
    class Meta:
        model = FaqItem
        fields = ["question", "answer", "position"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 4})}


class FaqItemInline(OrderedStackedInline):
    model = FaqItem
    form = FaqItemForm
    extra = 0
    fields = ["question", "answer"]
    classes = ["faq-inline"]


class ArticlePartsMixin(OrderedPartsAdminMixin):
    """For ArticleAdmin: ordered parts, and parts placed in sections saved with them."""

    def save_related(self, request, form, formsets, change) -> None:
        # Tables and pictures are saved last, so that the sections saved with
        # them, new ones too, have their ids when they are placed in them.
        placed = SectionPlacementFormSet
        sections = next((fs for fs in formsets if fs.model is Section), None)
        for formset in formsets:
            if isinstance(formset, placed):
                formset.sections_formset = sections
        formsets = sorted(formsets, key=lambda fs: isinstance(fs, placed))
        super().save_related(request, form, formsets, change)
