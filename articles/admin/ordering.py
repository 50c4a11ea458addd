"""The order of an article's parts at the desk: drag and drop, buttons, new rows last.

django-admin-sortable2 hides each part's ``position`` and sets it as the
editor drags a part by its title bar; ``static/js/desk-parts.js`` adds
"Move up" and "Move down" buttons for the keyboard and for anyone who cannot
drag (WCAG 2.5.7), and renumbers every row, saved or new, after each move. A
new part left where it was added gets the next free position when saved, so
it goes after the article's other parts instead of sharing 0 with them.
"""

from __future__ import annotations

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableStackedInline,
)
from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

ORDER_FIELD = "position"

# The library names its inline templates after Django's version and ships none
# for 6.1; Django 6.1's stacked inline template is the same as 6.0's, which
# this one extends with the drag handle. (Every part is stacked: a tabular
# inline's inputs have no labels of their own.)
STACKED_TEMPLATE = "adminsortable2/edit_inline/stacked-django-6.0.html"


class PositionedForm(forms.ModelForm):
    """A part's form, where a new row moved but left empty is still left out."""

    def has_changed(self) -> bool:
        if not self.instance._state.adding:
            return super().has_changed()
        # The buttons number every row, new ones too; a number alone is not
        # something the editor wrote.
        return any(name != ORDER_FIELD for name in self.changed_data)


class PositionedFormSet(CustomInlineFormSetMixin, BaseInlineFormSet):
    """Saves new rows after the stored ones: position = highest + 1.

    The highest position is read once and then followed as rows are saved,
    rather than asked again for every new row.
    """

    _highest: int | None = None

    def get_max_order(self) -> int:
        if self._highest is None:
            self._highest = super().get_max_order() or 0
        return self._highest

    def save_new(self, form, commit: bool = True):
        part = super().save_new(form, commit=commit)
        self._highest = max(self.get_max_order(), getattr(part, ORDER_FIELD) or 0)
        return part

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        part = form.instance
        if part.pk is not None and self.instance.pk is not None:
            # A stored part is the article's: its label ("Helen Marsh on
            # “Talks stall”") reads the article from here, not one query a row.
            setattr(part, self.fk.name, self.instance)
        return form

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # Says what it deletes: a list of the form's controls otherwise
            # has a dozen boxes all called "Delete".
            name = self.model._meta.verbose_name
            form.fields["DELETE"].widget.attrs.setdefault(
                "aria-label", f"Delete this {name}"
            )


# The library's script and style, and the desk's buttons and layout.
_MEDIA_CSS = ["adminsortable2/css/sortable.css", "css/desk-parts.css"]
_MEDIA_JS = ["adminsortable2/js/adminsortable2.min.js", "js/desk-parts.js"]


class OrderedStackedInline(SortableStackedInline):
    template = STACKED_TEMPLATE
    formset = PositionedFormSet
    form = PositionedForm

    class Media:
        css = {"all": _MEDIA_CSS}
        js = _MEDIA_JS


class OrderedPartsAdminMixin(SortableAdminBase, admin.ModelAdmin):
    """For the admin of the model that holds ordered parts (ArticleAdmin).

    It derives from ModelAdmin, as reversion's admin does, so that the
    library's methods (the order field passed to the inlines' formsets, the
    "sortable" class on their fieldsets) come before Django's in any admin
    that combines both.

    The library's ``media`` is skipped: it swaps Django's actions.js for a
    copy named after Django's version and ships none for 6.1 (a missing file
    that the manifest storage refuses). The inlines bring its script.
    """

    @property
    def media(self) -> forms.Media:
        return super(SortableAdminBase, self).media
