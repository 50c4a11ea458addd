"""An article's parts on its change form: bylines, sections, tables and FAQ.

Each part is ordered by dragging or with its Move buttons (``ordering``). A
table is placed in a section by naming one of the sections on the same form,
saved or not yet saved, so a new article's table finds its section on the
first save (``TableFormSet``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.forms.widgets import CheckboxInput
from django.http import HttpRequest, QueryDict
from django.utils.functional import cached_property

from ..models import ArticleTable, Byline, FaqItem, Section
from ..tabular import (
    ragged_rows_errors,
    read_table_text,
    rows_to_text,
    table_rows_errors,
)
from .ordering import (
    OrderedPartsAdminMixin,
    OrderedStackedInline,
    PositionedForm,
    PositionedFormSet,
)

# The section inline's formset prefix, which the table forms read.
SECTIONS_PREFIX = "sections"
# A forged management form cannot make the table forms read more than this.
_MOST_SECTIONS = 1000


class BylineInline(OrderedStackedInline):
    # Stacked, as every part: a table's rows would leave the phone's screen,
    # and its inputs would have no labels of their own.
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author"]
    classes = ["bylines-inline"]


class SectionForm(PositionedForm):
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


class SectionInline(OrderedStackedInline):
    model = Section
    form = SectionForm
    extra = 0
    fields = ["heading", "body", ("kind", "anchor"), ("part_heading", "is_follow_up")]
    classes = ["sections-inline"]


@dataclass(frozen=True)
class SectionSlot:
    """A section as submitted with the article: saved or new, kept or deleted."""

    key: str  # its form's prefix in this submission, e.g. "sections-2"
    heading: str
    pk: int | None
    is_deleted: bool

    @property
    def name(self) -> str:
        return f"“{self.heading}”" if self.heading else "that section"


def submitted_sections(data: QueryDict) -> list[SectionSlot]:
    """The sections the same POST submits, read from the section inline's fields."""
    try:
        total = int(data.get(f"{SECTIONS_PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        return []
    slots = []
    for n in range(max(0, min(total, _MOST_SECTIONS))):
        key = f"{SECTIONS_PREFIX}-{n}"
        pk = data.get(f"{key}-id", "")
        slots.append(
            SectionSlot(
                key=key,
                heading=" ".join(str(data.get(f"{key}-heading", "")).split()),
                pk=int(pk) if pk.isascii() and pk.isdigit() else None,
                is_deleted=CheckboxInput().value_from_datadict(
                    data, {}, f"{key}-DELETE"
                ),
            )
        )
    return slots


class SectionPlacementField(forms.CharField):
    """Which section holds a table: a section form's key, or a heading typed in.

    The script turns the text box into a list of the form's sections; typing
    a heading is the way without it. ``moved`` tells the formset whether the
    value puts the table somewhere new (a key and a heading can name the same
    section).
    """

    def moved(self, initial, data) -> bool:
        return super().has_changed(initial, data)

    def has_changed(self, initial, data) -> bool:
        return self.moved(initial, data)


def section_placement_field(thing: str) -> SectionPlacementField:
    """The "Section" field of a part placed in a section: a table, a picture."""
    return SectionPlacementField(
        label="Section",
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={"data-section-picker": SECTIONS_PREFIX, "autocomplete": "off"}
        ),
        help_text=f"The {thing} appears after this section's text (the section's "
        "heading). Empty: at the end of the article.",
    )


class SectionPlacementMixin(forms.ModelForm):
    """A form whose ``section`` field places its part in one of the article's sections.

    The model's own ``section`` is left out of the form (``exclude``): the
    formset (``TableFormSet``) sets it when saving, once new sections have ids.
    """

    placed = "part"  # what is placed, in messages: "table", "picture"

    def __init__(
        self,
        *args,
        section_slots: list[SectionSlot] | None = None,
        section_key: Callable[[int], str] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section_slots = section_slots
        placed = self.instance.section if self.instance.section_id else None
        if placed is not None:
            # A section without a heading is named by its form's key.
            self.fields["section"].initial = placed.heading or (
                section_key(placed.pk) if section_key else ""
            )
            # The script selects the saved section by its id.
            self.fields["section"].widget.attrs["data-section-id"] = str(placed.pk)
        self.fields["section"].moved = self._placement_changed

    def clean_section(self) -> SectionSlot | None:
        slot = self._find_slot(self.cleaned_data["section"])
        if slot is not None and slot.is_deleted:
            raise forms.ValidationError(
                f"The section {slot.name} is being deleted: choose another, or "
                f"leave this empty to put the {self.placed} at the end."
            )
        return slot

    def _slots(self) -> list[SectionSlot]:
        if self.section_slots is not None:
            return self.section_slots
        # Outside the change form: the article's saved sections.
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
            raise forms.ValidationError(
                f"{len(kept)} sections have the heading “{value}”: choose one from "
                "the list, or give them different headings."
            )
        if not named:
            raise forms.ValidationError(
                f"No section of this article has the heading “{value}”. Type a "
                "heading exactly as it is above, or leave this empty to put the "
                f"{self.placed} at the end."
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


class TableFormSet(PositionedFormSet):
    """Tables, each placed in a section named on the same form, even a new one.

    ``sections_formset`` is the section inline's formset of the same
    submission, saved before this one; ArticleAdmin sets it in save_related.
    """

    sections_formset: BaseInlineFormSet | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section_slots = submitted_sections(self.data) if self.is_bound else None

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "section_slots": self.section_slots,
            "section_key": self._saved_section_key,
        }

    def _saved_section_key(self, pk: int) -> str:
        return self._saved_section_keys.get(pk, "")

    @cached_property
    def _saved_section_keys(self) -> dict[int, str]:
        """Each saved section's form key on the page, in the section inline's order."""
        if self.is_bound or self.instance.pk is None:
            return {}
        ids = Section.objects.filter(article=self.instance).values_list("pk", flat=True)
        return {pk: f"{SECTIONS_PREFIX}-{n}" for n, pk in enumerate(ids)}

    def save_new(self, form, commit: bool = True):
        form.instance.section = self._placed_in(form)
        return super().save_new(form, commit=commit)

    def save_existing(self, form, obj, commit: bool = True):
        form.instance.section = self._placed_in(form)
        return super().save_existing(form, obj, commit=commit)

    def _placed_in(self, form) -> Section | None:
        slot: SectionSlot | None = form.cleaned_data.get("section")
        if slot is None or slot.is_deleted:
            return None
        if self.sections_formset is not None:
            for section_form in self.sections_formset.forms:
                if section_form.prefix == slot.key:
                    # A new section left empty was not saved: the table goes last.
                    section = section_form.instance
                    return section if section.pk is not None else None
        if slot.pk is None:
            return None
        return Section.objects.filter(pk=slot.pk, article=self.instance).first()


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
    """For ArticleAdmin: ordered parts, and tables placed in sections saved with them."""

    def save_related(self, request, form, formsets, change) -> None:
        # Tables are saved last, so that the sections saved with them, new
        # ones too, have their ids when the tables are placed in them.
        sections = next((fs for fs in formsets if fs.model is Section), None)
        for formset in formsets:
            if isinstance(formset, TableFormSet):
                formset.sections_formset = sections
        formsets = sorted(formsets, key=lambda fs: isinstance(fs, TableFormSet))
        super().save_related(request, form, formsets, change)
