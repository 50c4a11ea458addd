"""Help said once above an inline's rows, not under every row's fields.

An article has a dozen sections, and each section's form repeated the same
six help texts. A ``SharedHelpForm`` takes the help texts off its fields;
its inline (``SharedHelpInline``) shows them once, above the rows, each with
an id, and each row's field is described by that one text
(``aria-describedby``), and by its own errors when it has some.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.boundfield import BoundField

from .ordering import STACKED_TEMPLATE


@dataclass(frozen=True)
class SharedHelp:
    id: str
    label: str
    text: str


class SharedHelpBoundField(BoundField):
    """Described by the shared help of its field, then by its own errors."""

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.name in self.form.shared_help_names:
                ids.append(self.form.shared_help_id(self.name))
            if self.errors:
                ids.append(f"{self.auto_id}_error")
        return " ".join(ids)


class SharedHelpForm(forms.ModelForm):
    """A row of an inline whose fields' help is shown once, above the rows."""

    bound_field_class = SharedHelpBoundField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shared_help_names = [
            name
            for name, field in self.fields.items()
            if field.help_text and not field.widget.is_hidden
        ]
        for name in self.shared_help_names:
            self.fields[name].help_text = ""

    def shared_help_id(self, name: str) -> str:
        # "sections-help-body": the formset's prefix, the same for every row.
        group = (self.prefix or "").rsplit("-", 1)[0]
        return f"{group}-help-{name}" if group else f"help-{name}"

    @property
    def shared_help(self) -> list[SharedHelp]:
        """What the inline shows once: each field's label and help text."""
        return [
            SharedHelp(
                self.shared_help_id(name),
                str(self.base_fields[name].label or name),
                str(self.base_fields[name].help_text),
            )
            for name in self.shared_help_names
        ]


class SharedHelpInline:
    """For an ordered inline whose form is a ``SharedHelpForm``."""

    template = "admin/articles/edit_inline/shared_help.html"
    # The rows themselves, under the help.
    rows_template = STACKED_TEMPLATE
