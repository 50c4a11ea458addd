"""An article's parts on its change form: bylines, sections, tables and FAQ."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ..models import ArticleTable, Byline, FaqItem, Section
from ..tabular import parse_table_text, rows_to_text, table_rows_errors


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = [("position", "kind"), "heading", "body", "anchor"]
    classes = ["sections-inline"]


class TableForm(forms.ModelForm):
    """Edits ``rows`` as text: paste cells from a spreadsheet, CSV, or a pipe table."""

    data = forms.CharField(
        label="Rows",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"}),
        help_text="Paste cells from a spreadsheet, or type one row per line with cells "
        "separated by “|” (or commas). The first row holds the headings when "
        "“has header row” is ticked.",
    )

    class Meta:
        model = ArticleTable
        fields = [
            "caption",
            "section",
            "position",
            "is_first_row_header",
            "is_first_column_header",
            "source_note",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.rows:
            self.fields["data"].initial = rows_to_text(self.instance.rows)

    def clean_data(self) -> list[list[str]]:
        try:
            rows = parse_table_text(self.cleaned_data["data"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        errors = table_rows_errors(rows)
        if errors:
            raise forms.ValidationError(errors)
        return rows

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
        if "data" in cleaned:
            self.instance.rows = cleaned["data"]
        return cleaned


class TableInline(admin.StackedInline):
    model = ArticleTable
    form = TableForm
    extra = 0
    fk_name = "article"

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "section":
            # Only this article's sections can hold its tables.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(
                article_id=object_id if object_id and object_id.isdigit() else None
            ).exclude(heading="")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FaqItemInline(admin.TabularInline):
    model = FaqItem
    extra = 0
    fields = ["position", "question", "answer"]
