"""The image library at work: lead pictures, renditions, clean-up, pages, cards.

- **Lead pictures.** An article whose ``lead_picture`` is a library image
  shows it through its lead image fields, which every page, feed and piece
  of structured data already reads: choosing a picture sets the lead image to
  the library's file (the same file, not a copy) with its alt text, caption
  and credit, except those the editor changed in the same save. Uploading a
  file as the lead image, or clearing it, lets go of the library picture;
  taking the picture off takes the lead image off too. A library picture
  whose file, alt text, caption or credit changes carries the change to the
  articles that lead with it (those whose own text was not changed).
- **Renditions and clean-up.** A new or replaced library file gets its WebP
  renditions once the transaction commits. A replaced or deleted one is
  removed, renditions included, once no article and no library picture uses
  it (``moves.remove_unused_image``); a picture in use cannot be deleted.
- **Pages.** A figure saved or deleted, or a library picture changed, renews
  the cached pages of the articles that show it, after the commit.
- **Cards.** Cropped thumbnails keep the library picture's focal point in
  view: one query per list of cards, only when a card has a lead image.
- **Checks.** Publishing is refused while a figure's alt text is missing or
  a file name, whoever set it (a data fix, a restored version).

Receivers only: ``connect()`` is called from ArticlesConfig.ready().
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest

from newsroom.after_commit import once_after_commit
from newsroom.caching import invalidate_now

from .cards import register_card_decorator
from .checks import EXTRA_CHECKS, Locate, Problem
from .images import make_missing_renditions
from .models import Article, Figure, Image
from .models.media import alt_text_problem, focus_classes
from .moves import remove_unused_image
from .page_tags import article_tags

# Where library files are stored: a lead image here may be a library picture.
LIBRARY_FOLDER = "library/"
# The article's own copy of what a lead picture shows, and the library's name for it.
_LEAD_TEXT = {
    "lead_image_alt": "alt_text",
    "lead_image_caption": "caption",
    "lead_image_credit": "credit",
}
_LEAD_STORED = ("lead_picture_id", "lead_image", *_LEAD_TEXT)
# What following a lead picture may change: a save must write all of it.
_LEAD_FIELDS = {
    "lead_picture",
    "lead_image",
    "lead_image_width",
    "lead_image_height",
    *_LEAD_TEXT,
}


def _saves_every(update_fields, names: set[str]) -> bool:
    """Whether a save with ``update_fields`` writes every field of ``names``."""
    if update_fields is None:
        return True
    saved = {Article._meta.get_field(name).name for name in update_fields}
    return names <= saved


# -- lead pictures -------------------------------------------------------------


def _lead_picture_saving(
    sender, instance: Article, raw=False, update_fields=None, **kwargs
) -> None:
    if raw or not _saves_every(update_fields, _LEAD_FIELDS):
        return
    image_name = instance.lead_image.name or ""
    if instance.lead_picture_id is None and not image_name.startswith(LIBRARY_FOLDER):
        return  # nothing from the library, before or now
    before = None
    if instance.pk is not None:
        before = (
            Article._default_manager.filter(pk=instance.pk)
            .values(*_LEAD_STORED)
            .first()
        )
    before = before or dict.fromkeys(_LEAD_STORED)
    picture_id = instance.lead_picture_id
    if picture_id is not None and picture_id != before["lead_picture_id"]:
        _show_lead_picture(instance, Image.objects.get(pk=picture_id), before)
    elif picture_id is not None and image_name != (before["lead_image"] or ""):
        # A file uploaded as the lead image, or the image cleared, wins.
        instance.lead_picture = None
    elif (
        picture_id is None
        and before["lead_picture_id"] is not None
        and image_name == before["lead_image"]
    ):
        # The picture was taken off: so is the lead image it was showing.
        instance.lead_image = ""
        instance.lead_image_width = instance.lead_image_height = None
        for field in _LEAD_TEXT:
            if getattr(instance, field) == (before[field] or ""):
                setattr(instance, field, "")


def _show_lead_picture(article: Article, picture: Image, before: dict) -> None:
    article.lead_image = picture.file.name
    article.lead_image_width, article.lead_image_height = picture.width, picture.height
    for field, library_field in _LEAD_TEXT.items():
        typed = getattr(article, field)
        # Text typed in this save is the editor's; any other is the old picture's.
        if not typed.strip() or typed == (before[field] or ""):
            setattr(article, field, getattr(picture, library_field))


# -- library pictures ----------------------------------------------------------

_IMAGE_STORED = ("file", "alt_text", "caption", "credit")


def _image_saving(sender, instance: Image, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._library_before = (
        Image._default_manager.filter(pk=instance.pk).values(*_IMAGE_STORED).first()
    )


def _image_saved(sender, instance: Image, raw=False, created=False, **kwargs) -> None:
    if raw:
        return
    using = kwargs.get("using")
    before = instance.__dict__.pop("_library_before", None) or {}
    name = instance.file.name
    old_name = before.get("file")
    if created or old_name != name:
        field_file = instance.file
        once_after_commit(
            ("renditions", name),
            lambda: make_missing_renditions(field_file),
            using=using,
        )
    leading = Article._default_manager.filter(lead_picture=instance)
    if old_name and old_name != name:
        leading.filter(lead_image=old_name).update(
            lead_image=name,
            lead_image_width=instance.width,
            lead_image_height=instance.height,
        )
        _forget_file_after_commit(old_name, using=using)
    for field, library_field in _LEAD_TEXT.items():
        old, new = before.get(library_field), getattr(instance, library_field)
        if old is not None and old != new:
            # Articles that kept the library's text follow it; their own stays.
            leading.filter(**{field: old}).update(**{field: new})
    if not created:
        _renew_pages_after_commit(_articles_showing(instance.pk), using=using)


def _image_deleted(sender, instance: Image, **kwargs) -> None:
    if instance.file.name:
        _forget_file_after_commit(instance.file.name, using=kwargs.get("using"))


def _forget_file_after_commit(name: str, *, using: str | None) -> None:
    # The same key as the lead image's clean-up: one removal per file and commit.
    once_after_commit(
        ("old-image", name), lambda: remove_unused_image(name), using=using
    )


def _articles_showing(image_id: int) -> set[int]:
    """The articles that show a library picture, as a figure or as their lead."""
    return {
        *Figure.objects.filter(image_id=image_id).values_list("article_id", flat=True),
        *Article._default_manager.filter(lead_picture_id=image_id).values_list(
            "pk", flat=True
        ),
    }


# -- pages ---------------------------------------------------------------------


def _renew_pages_after_commit(article_ids: Iterable[int], *, using) -> None:
    ids = set(article_ids)
    if ids:
        transaction.on_commit(
            lambda: invalidate_now(article_tags(ids)), using=using, robust=True
        )


def _figure_changed(sender, instance: Figure, raw=False, **kwargs) -> None:
    if not raw:
        _renew_pages_after_commit([instance.article_id], using=kwargs.get("using"))


# -- cards ---------------------------------------------------------------------


def _card_focal_points(request: HttpRequest, articles: list[Article]) -> None:
    """Each card's ``lead_focus``: classes cropping its image around the focal point."""
    names = {article.lead_image.name for article in articles if article.lead_image}
    names = {name for name in names if name.startswith(LIBRARY_FOLDER)}
    if not names:
        return
    points = {
        name: focus_classes(x, y)
        for name, x, y in Image.objects.filter(file__in=names)
        .order_by()
        .values_list("file", "focal_x", "focal_y")
    }
    for article in articles:
        if article.lead_image and article.lead_image.name in points:
            article.lead_focus = points[article.lead_image.name]


# -- checks before publishing --------------------------------------------------


def check_figures(article: Article, locate: Locate) -> list[Problem]:
    """Errors: a figure whose alt text, its own or the library's, is missing or a file name."""
    problems = []
    for n, figure in enumerate(article.figures.select_related("image"), start=1):
        problem = alt_text_problem(figure.shown_alt_text, figure.image.file.name)
        if problem:
            problems.append(
                Problem(f"Picture {n} in the text: {problem}", True, locate(figure))
            )
    return problems


def connect() -> None:
    """Wire the receivers; called once from ArticlesConfig.ready()."""
    pre_save.connect(_lead_picture_saving, sender=Article, dispatch_uid="pictures-lead")
    pre_save.connect(_image_saving, sender=Image, dispatch_uid="pictures-image-pre")
    post_save.connect(_image_saved, sender=Image, dispatch_uid="pictures-image")
    post_delete.connect(_image_deleted, sender=Image, dispatch_uid="pictures-del")
    post_save.connect(_figure_changed, sender=Figure, dispatch_uid="pictures-figure")
    post_delete.connect(
        _figure_changed, sender=Figure, dispatch_uid="pictures-figure-del"
    )
    register_card_decorator(_card_focal_points)
    if check_figures not in EXTRA_CHECKS:
        EXTRA_CHECKS.append(check_figures)
