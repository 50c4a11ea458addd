"""Add forms without rows that have nothing to show yet.

A new object has no history, no uses and no uploader: on its add form, its
read-only fields ("Created at", "Used in", "Now") would be empty rows, and a
fieldset holding only those an empty box. ``AddFormMixin`` leaves them out
of the add form; the change form shows them all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.http import HttpRequest


def without_fields(fieldsets: Sequence, names: Collection[str]) -> list:
    """``fieldsets`` without the fields ``names``, and without lines or
    fieldsets left empty."""
    kept = []
    for title, options in fieldsets:
        lines = []
        for line in options.get("fields", []):
            if isinstance(line, (list, tuple)):
                rest = [name for name in line if name not in names]
                if rest:
                    lines.append(tuple(rest) if len(rest) > 1 else rest[0])
            elif line not in names:
                lines.append(line)
        if lines:
            kept.append((title, {**options, "fields": lines}))
    return kept


class AddFormMixin:
    """For a ModelAdmin: its add form leaves out the read-only fields."""

    def get_fieldsets(self, request: HttpRequest, obj=None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.pk is not None:
            return fieldsets
        return without_fields(fieldsets, set(self.get_readonly_fields(request, obj)))
