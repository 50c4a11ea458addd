"""An article's state: read from the database or a revision, written back.

See the package's docstring for what a state holds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import reversion
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from reversion.models import Version
from taggit.models import Tag

from ..models import (
    Article,
    ArticleTable,
    Byline,
    Correction,
    FaqItem,
    Figure,
    PendingEdit,
    Section,
    TaggedArticle,
)

# An article's parts by their related name (the revision follows it), in
# the order they are written: sections before the tables and pictures placed
# in them. A new kind of part edited on the change form is added here (the
# desk's system check says so); revisions, pending edits and the diff then
# include it.
PARTS: dict[str, type[models.Model]] = {
    "bylines": Byline,
    "sections": Section,
    "tables": ArticleTable,
    "figures": Figure,
    "faq_items": FaqItem,
    "corrections": Correction,
}
# What a part is called in the history ("changed section “Talks stall”"),
# and the field that names each one.
PART_NAMES = {
    "bylines": ("byline", "bylines", "author"),
    "sections": ("section", "sections", "heading"),
    "tables": ("table", "tables", "caption"),
    "figures": ("picture", "pictures", "caption"),
    "faq_items": ("FAQ item", "FAQ items", "question"),
    "corrections": ("correction or update", "corrections and updates", "text"),
}
# Computed on save, or kept by the search index: never part of a version.
DERIVED = {
    Article: ("body_text", "excerpt", "search_vector"),
    Section: ("body_html",),
    FaqItem: ("answer_html",),
}
# Where an edit is not meant to move the article: publishing, unpublishing
# and scheduling are decisions of their own (the desk's status field).
PUBLICATION = ("status", "published_at")


def register() -> None:
    """Keep a revision of every save of an article with all its parts and tags."""
    if reversion.is_registered(Article):
        return
    for model in PARTS.values():
        reversion.register(model, exclude=DERIVED.get(model, ()))
    reversion.register(TaggedArticle)
    reversion.register(
        Article, exclude=DERIVED[Article], follow=(*PARTS, "tagged_items")
    )


def _article_link(model: type[models.Model]) -> models.ForeignKey:
    return next(f for f in model._meta.concrete_fields if f.related_model is Article)


def kept_fields(model: type[models.Model]) -> list[str]:
    """The fields of ``model`` a state keeps: what an editor can change."""
    link = None if model is Article else _article_link(model)
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and f is not link
        and f.name not in DERIVED.get(model, ())
    ]


def _values(obj: models.Model, names: list[str]) -> dict:
    """``obj``'s values of ``names``, as JSON in the serializers' form."""
    data = serializers.serialize("python", [obj], fields=names)[0]["fields"]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _in_order(model: type[models.Model], rows: list[dict]) -> list[dict]:
    """Parts in the order the article shows them, however they were read."""
    if any(f.name == "position" for f in model._meta.concrete_fields):
        return sorted(
            rows, key=lambda row: (row["fields"].get("position") or 0, row["pk"])
        )
    return sorted(rows, key=lambda row: row["pk"])


def state_of(article_id: int) -> dict:
    """The article as stored now (six queries)."""
    article = Article.objects.get(pk=article_id)
    parts = {}
    for kind, model in PARTS.items():
        names = kept_fields(model)
        link = _article_link(model).name
        parts[kind] = _in_order(
            model,
            [
                {"pk": row.pk, "fields": _values(row, names)}
                for row in model._default_manager.filter(**{link: article_id})
            ],
        )
    return {
        "article": _values(article, kept_fields(Article)),
        "tags": sorted(article.tags.names(), key=str.casefold),
        "parts": parts,
    }


def state_of_version(version: Version) -> dict:
    """The article as a revision kept it, with its parts in that revision."""
    article_id = int(version.object_id)
    article_names = set(kept_fields(Article))
    fields = json.loads(version.serialized_data)[0]["fields"]
    parts: dict[str, list[dict]] = {kind: [] for kind in PARTS}
    kinds = {model: kind for kind, model in PARTS.items()}
    tag_ids = []
    for other in version.revision.version_set.select_related("content_type"):
        model = other.content_type.model_class()
        data = json.loads(other.serialized_data)[0]
        if model is TaggedArticle:
            if data["fields"].get("content_object") == article_id:
                tag_ids.append(data["fields"]["tag"])
        elif model in kinds and data["fields"].get(_article_link(model).name) == (
            article_id
        ):
            names = set(kept_fields(model))
            parts[kinds[model]].append(
                {
                    "pk": data["pk"],
                    "fields": {k: v for k, v in data["fields"].items() if k in names},
                }
            )
    parts = {kind: _in_order(PARTS[kind], rows) for kind, rows in parts.items()}
    # A tag deleted since has no name any more: it cannot come back.
    tags = Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)
    return {
        "article": {k: v for k, v in fields.items() if k in article_names},
        "tags": sorted(tags, key=str.casefold),
        "parts": parts,
    }


def part_numbers(article_id: int) -> dict[str, set[int]]:
    """The numbers (primary keys) of the article's stored parts, by kind."""
    return {
        kind: set(
            model._default_manager.filter(
                **{_article_link(model).name: article_id}
            ).values_list("pk", flat=True)
        )
        for kind, model in PARTS.items()
    }


def _part_references(model: type[models.Model]) -> list[tuple[str, str]]:
    """(field, kind) of the fields of ``model`` that point at another part."""
    kinds = {target: kind for kind, target in PARTS.items()}
    return [
        (f.name, kinds[f.related_model])
        for f in model._meta.concrete_fields
        if f.related_model in kinds
    ]


def number_new_parts(state: dict, stored: dict[str, set[int]]) -> dict:
    """A copy of ``state`` where parts not among ``stored`` have negative numbers."""
    state = copy.deepcopy(state)
    lowest = min(
        (row["pk"] for rows in state["parts"].values() for row in rows),
        default=0,
    )
    lowest = min(lowest, 0)
    renumbered: dict[tuple[str, int], int] = {}
    for kind, rows in state["parts"].items():
        for row in rows:
            if row["pk"] > 0 and row["pk"] not in stored.get(kind, set()):
                lowest -= 1
                renumbered[kind, row["pk"]] = lowest
                row["pk"] = lowest
    for kind, rows in state["parts"].items():
        for name, target in _part_references(PARTS[kind]):
            for row in rows:
                value = row["fields"].get(name)
                if (target, value) in renumbered:
                    row["fields"][name] = renumbered[target, value]
    return state


def with_publication_of(state: dict, other: dict) -> dict:
    """``state`` with ``other``'s status and publication time."""
    state = copy.deepcopy(state)
    for name in PUBLICATION:
        if name in other["article"]:
            state["article"][name] = other["article"][name]
    return state


# -- writing a state -----------------------------------------------------------


def _assign(obj: models.Model, values: dict, names: Iterable[str], refs: dict) -> bool:
    """Set ``obj``'s fields that differ from ``values``; False if a needed row is gone.

    ``refs`` maps (kind, number in the state) to the stored part's number.
    """
    current = _values(obj, list(names)) if obj.pk is not None else {}
    references = dict(_part_references(type(obj)))
    for name in names:
        if name not in values or (obj.pk is not None and current[name] == values[name]):
            continue
        model_field = obj._meta.get_field(name)
        value = values[name]
        if name in references:
            setattr(obj, model_field.attname, refs.get((references[name], value)))
        elif model_field.is_relation:
            pk = None if value is None else model_field.target_field.to_python(value)
            target = model_field.related_model._default_manager
            if pk is not None and not target.filter(pk=pk).exists():
                # Deleted since (an author, a category): keep what is there.
                if obj.pk is None and not model_field.null:
                    return False
                continue
            setattr(obj, model_field.attname, pk)
        else:
            setattr(obj, name, model_field.to_python(value))
    return True


def _apply_parts(
    article: Article, kind: str, rows: list[dict], refs: dict, keep_numbers: bool
) -> None:
    model = PARTS[kind]
    link = _article_link(model)
    names = kept_fields(model)
    stored = {
        row.pk: row for row in model._default_manager.filter(**{link.name: article.pk})
    }
    wanted = {row["pk"] for row in rows}
    for pk, row in stored.items():
        if pk not in wanted:
            row.delete()
    # A link name (sections) or an author (bylines) is unique within the
    # article: let go of the old ones before rows take each other's.
    if model is Section:
        changing = [
            row["pk"]
            for row in rows
            if row["pk"] in stored
            and row["fields"].get("anchor") != stored[row["pk"]].anchor
        ]
        Section.objects.filter(pk__in=changing).update(anchor="")
    if model is Byline:
        for row in rows:
            byline = stored.get(row["pk"])
            if byline is not None and byline.author_id != row["fields"].get("author"):
                byline.delete()
                del stored[row["pk"]]
    for row in rows:
        obj = stored.get(row["pk"])
        if obj is None:
            obj = model(**{link.name: article})
            if (row["pk"] < 0 and keep_numbers) or (
                row["pk"] > 0
                and not model._default_manager.filter(pk=row["pk"]).exists()
            ):
                # A deleted part comes back under its number, so its history
                # goes on; in a rolled-back world a new one keeps its negative
                # number, so the change form's rows match from one request to
                # the next.
                obj.pk = row["pk"]
        if not _assign(obj, row["fields"], names, refs):
            continue
        obj.save(force_insert=obj._state.adding)
        refs[kind, row["pk"]] = obj.pk


def apply_state(
    article_id: int,
    state: dict,
    *,
    fields: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    keep_numbers: bool = False,
) -> Article:
    """Make the stored article what ``state`` says, with ordinary saves.

    ``fields`` (of the article) and ``kinds`` (of parts, and "tags") limit
    what is written; by default everything the state holds. A part gone from
    the database comes back under its old number; a negatively numbered one
    is new (``keep_numbers`` keeps even that number: only inside a world
    that is rolled back).
    """
    article = Article.objects.get(pk=article_id)
    names = [
        name
        for name in kept_fields(Article)
        if name in state["article"] and (fields is None or name in fields)
    ]
    _assign(article, state["article"], names, {})
    article.save()
    kinds = set(PARTS) | {"tags"} if kinds is None else set(kinds)
    tags = state.get("tags") if "tags" in kinds else None
    if tags is not None and sorted(article.tags.names(), key=str.casefold) != tags:
        article.tags.set(tags)
    refs: dict[tuple[str, int], int] = {}
    unchanged = [kind for kind in PARTS if kind not in kinds]
    if unchanged:
        # Their numbers stay: references to them (a table's section) hold.
        for kind, numbers in part_numbers(article_id).items():
            if kind in unchanged:
                refs.update({(kind, pk): pk for pk in numbers})
    for kind in PARTS:
        if kind in kinds and kind in state["parts"]:
            _apply_parts(article, kind, state["parts"][kind], refs, keep_numbers)
    article.refresh_derived_text()
    return article


def publish_pending(edit: PendingEdit) -> Article:
    """Apply a pending edit to the live article: what it changed, nothing more.

    A field or a kind of part is written only if the edit changed it from
    the version it started from, so an unpublish or a new publication time
    set meanwhile (from the article list) stands; the status never moves.
    """
    state, base = edit.state, edit.base
    fields = [
        name
        for name, value in state["article"].items()
        if name != "status" and base["article"].get(name) != value
    ]
    kinds = [
        kind for kind, rows in state["parts"].items() if base["parts"].get(kind) != rows
    ]
    if state["tags"] != base["tags"]:
        kinds.append("tags")
    article = apply_state(edit.article_id, state, fields=fields, kinds=kinds)
    edit.delete()
    return article


class _Undo(Exception):
    pass


@contextmanager
def pending_world(edit: PendingEdit) -> Iterator[Article]:
    """Within: the database holds the pending version. After: nothing of it stays.

    Whatever the block writes is rolled back with it, and the steps a commit
    would run (search index, cached pages, renditions) never run. A
    response made inside must be rendered inside.
    """
    try:
        with transaction.atomic():
            yield apply_state(edit.article_id, edit.state, keep_numbers=True)
            raise _Undo
    except _Undo:
        pass
