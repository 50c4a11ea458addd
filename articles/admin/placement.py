"""Parts placed in a section on the article's change form: tables and pictures.

A part's form has a "Section" field naming one of the sections of the same
submission, saved or not yet saved, by its form's key (the script's list)
or by its heading (typed). The formset places the part once the sections
are saved, so a new article's table or picture finds its section on the
first save. ArticlePartsMixin (``inlines``) saves these formsets after the
sections and hands them the sections' formset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.forms.widgets import CheckboxInput
from django.http import QueryDict
from django.utils.functional import cached_property

from ..models import Section
from .ordering import PositionedFormSet

# The section inline's formset prefix, which the placed parts' forms read.
SECTIONS_PREFIX = "sections"
# A forged management form cannot make the placed parts read more than this.
_MOST_SECTIONS = 1000


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
    """Which section holds a part: a section form's key, or a heading typed in.

    The script turns the text box into a list of the form's sections; typing
    a heading is the way without it. ``moved`` tells the formset whether the
    value puts the part somewhere new (a key and a heading can name the same
    section).
    """

    def moved(self, initial, data) -> bool:
        return super().has_changed(initial, data)

    def has_changed(self, initial, data) -> bool:
        return self.moved(initial, data)


def section_placement_field(part: str) -> SectionPlacementField:
    """The "Section" field of a part placed in a section: a table, a picture."""
    return SectionPlacementField(
        label="Section",
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={"data-section-picker": SECTIONS_PREFIX, "autocomplete": "off"}
        ),
        help_text=f"The {part} appears after this section's text (the section's "
        "heading). Empty: at the end of the article.",
    )


class SectionPlacementMixin(forms.ModelForm):
    """A form whose ``section`` field places its part in one of the article's sections.

    The model's own ``section`` is left out of the form (``exclude``): the
    formset (``SectionPlacementFormSet``) sets it when saving, once new
    sections have ids.
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
            raise ValidationError(
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
            raise ValidationError(
                f"{len(kept)} sections have the heading “{value}”: choose one from "
                "the list, or give them different headings."
            )
        if not named:
            raise ValidationError(
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


class SectionPlacementFormSet(PositionedFormSet):
    """Parts, each placed in a section named on the same form, even a new one.

    ``sections_formset`` is the section inline's formset of the same
    submission, saved before this one; ArticlePartsMixin sets it in
    save_related.
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
                    # A new section left empty was not saved: the part goes last.
                    section = section_form.instance
                    return section if section.pk is not None else None
        if slot.pk is None:
            return None
        return Section.objects.filter(pk=slot.pk, article=self.instance).first()
