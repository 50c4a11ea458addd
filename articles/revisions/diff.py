"""What differs between two states of an article: for the desk's pages and history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from ..models import Article
from .states import PART_NAMES, PARTS, kept_fields

# Labels as the change form words them, where they differ from the model's.
LABELS = {
    "anchor": "link name",
    "part_heading": "part title",
    "is_follow_up": "follow-up part",
    "rows": "rows",
    "is_first_row_header": "first row holds the headings",
    "is_first_column_header": "first column names the rows",
}


# Words, runs of spaces and single punctuation marks: what the diff compares.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def _word_changes(before: str, after: str) -> list[tuple[int, str]]:
    """diff-match-patch's changes between two texts, word by word.

    Each distinct word is coded as one character, diffed, then decoded: a
    changed word is marked whole ("Monday" → "Tuesday"), not by letters.
    """
    words: dict[str, str] = {}
    texts = []
    for text in (before, after):
        coded = []
        for token in _TOKENS.findall(text):
            # Past the Basic Multilingual Plane's surrogates: any code is a character.
            coded.append(words.setdefault(token, chr(0xE000 + len(words))))
        texts.append("".join(coded))
    engine = diff_match_patch()
    if len(words) > 0x10FFFF - 0xE000:
        changes = engine.diff_main(before, after)
        engine.diff_cleanupSemantic(changes)
        return changes
    # Cleaned up while coded: decoded, "Monday"/"Tuesday" would share "day".
    changes = engine.diff_main(*texts, checklines=False)
    engine.diff_cleanupSemantic(changes)
    decode = {code: token for token, code in words.items()}
    return [
        (operation, "".join(decode[code] for code in coded))
        for operation, coded in changes
    ]


def _marked(before: str, after: str) -> tuple[SafeString, SafeString]:
    """``before`` with removed words in <del>, ``after`` with added words in <ins>."""
    old, new = [], []
    for operation, text in _word_changes(before, after):
        if operation <= 0:
            old.append(escape(text) if operation == 0 else f"<del>{escape(text)}</del>")
        if operation >= 0:
            new.append(escape(text) if operation == 0 else f"<ins>{escape(text)}</ins>")
    return mark_safe("".join(old)), mark_safe("".join(new))


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def marked(self) -> tuple[SafeString, SafeString]:
        return _marked(self.before, self.after)

    @property
    def before_html(self) -> SafeString:
        return self.marked[0]

    @property
    def after_html(self) -> SafeString:
        return self.marked[1]


@dataclass
class PartChange:
    kind: str  # "section"
    name: str  # its heading, caption, question or author
    action: str  # added, removed, changed
    fields: list[FieldChange] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.action} {self.kind} “{Truncator(self.name).chars(60)}”"


@dataclass
class StateDiff:
    """What differs between two states of an article, field by field, part by part."""

    fields: list[FieldChange] = field(default_factory=list)
    parts: list[PartChange] = field(default_factory=list)
    reordered: list[str] = field(default_factory=list)  # "sections", …

    def __bool__(self) -> bool:
        return bool(self.fields or self.parts or self.reordered)

    def summary(self) -> str:
        """One line for the history: "Changed title; changed section “Talks stall”"."""
        items = []
        if self.fields:
            labels = [change.label for change in self.fields]
            joined = ", ".join(labels[:-1]) + " and " if len(labels) > 1 else ""
            items.append(f"changed {joined}{labels[-1]}")
        items += [str(change) for change in self.parts]
        items += [f"reordered {kind}" for kind in self.reordered]
        if not items:
            return "No changes"
        text = "; ".join(items)
        return text[0].upper() + text[1:]


class _Shown:
    """Turns stored values into what an editor reads; looks names up once."""

    def __init__(self, *states: dict) -> None:
        self.states = states
        self._names: dict[type[models.Model], dict] = {}

    def name_of(self, model: type[models.Model], pk) -> str:
        if pk is None:
            return ""
        if model not in self._names:
            self._names[model] = {}
        names = self._names[model]
        if pk not in names:
            found = model._default_manager.filter(pk=pk).first()
            names[pk] = str(found) if found else f"(deleted, number {pk})"
        return names[pk]

    def value(self, model_field: models.Field, value, state: dict) -> str:
        if value in (None, ""):
            return ""
        if model_field.name == "rows":
            return "\n".join(" | ".join(map(str, row)) for row in value)
        if model_field.related_model in PARTS.values():
            kind = next(k for k, m in PARTS.items() if m is model_field.related_model)
            return part_label(kind, state, value)
        if model_field.is_relation:
            return self.name_of(model_field.related_model, value)
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return "Yes" if value else "No"
        if isinstance(model_field, models.DateTimeField):
            moment = parse_datetime(value)
            if moment is None:
                return str(value)
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        return str(value)


def part_label(kind: str, state: dict, pk) -> str:
    """How the history names a part: its heading, caption, question or author."""
    singular, _, naming = PART_NAMES[kind]
    rows = state["parts"].get(kind, [])
    for n, row in enumerate(rows, start=1):
        if row["pk"] == pk:
            value = row["fields"].get(naming)
            model_field = PARTS[kind]._meta.get_field(naming)
            if value and model_field.is_relation:
                return _Shown().name_of(model_field.related_model, value)
            if value:
                return Truncator(" ".join(str(value).split())).chars(80)
            return f"{singular} {n}, without a {_label(PARTS[kind], naming)}"
    return ""


def _label(model: type[models.Model], name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    label = str(model._meta.get_field(name).verbose_name)
    return label if label[:3].isupper() else label.lower()


def _field_changes(
    model: type[models.Model],
    old: dict,
    new: dict,
    shown: _Shown,
    old_state: dict,
    new_state: dict,
    *,
    names: list[str],
) -> list[FieldChange]:
    changes = []
    for name in names:
        if name not in old or name not in new or old[name] == new[name]:
            continue
        if not old[name] and not new[name]:
            continue  # empty either way: None, "", False, 0
        model_field = model._meta.get_field(name)
        before = shown.value(model_field, old[name], old_state)
        after = shown.value(model_field, new[name], new_state)
        if before != after:
            changes.append(FieldChange(_label(model, name), before, after))
    return changes


def diff_states(old: dict, new: dict) -> StateDiff:
    """What changes from ``old`` to ``new``: fields, tags, each part by its number."""
    shown = _Shown(old, new)
    diff = StateDiff()
    diff.fields = _field_changes(
        Article,
        old["article"],
        new["article"],
        shown,
        old,
        new,
        names=kept_fields(Article),
    )
    if old["tags"] != new["tags"]:
        diff.fields.append(
            FieldChange("tags", ", ".join(old["tags"]), ", ".join(new["tags"]))
        )
    for kind, model in PARTS.items():
        if kind not in old["parts"] or kind not in new["parts"]:
            continue
        singular, plural, _ = PART_NAMES[kind]
        names = [name for name in kept_fields(model) if name != "position"]
        before = {row["pk"]: row for row in old["parts"][kind]}
        after = {row["pk"]: row for row in new["parts"][kind]}
        for pk, row in after.items():
            label = part_label(kind, new, pk)
            if pk not in before:
                empty = dict.fromkeys(row["fields"], None)
                fields = _field_changes(
                    model, empty, row["fields"], shown, old, new, names=names
                )
                diff.parts.append(PartChange(singular, label, "added", fields))
                continue
            fields = _field_changes(
                model, before[pk]["fields"], row["fields"], shown, old, new, names=names
            )
            if fields:
                diff.parts.append(PartChange(singular, label, "changed", fields))
        for pk, row in before.items():
            if pk not in after:
                empty = dict.fromkeys(row["fields"], None)
                fields = _field_changes(
                    model, row["fields"], empty, shown, old, new, names=names
                )
                label = part_label(kind, old, pk)
                diff.parts.append(PartChange(singular, label, "removed", fields))
        kept = [pk for pk in before if pk in after]
        if kept != [pk for pk in after if pk in before]:
            diff.reordered.append(plural)
    return diff
