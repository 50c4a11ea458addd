"""What a rename or a replaced picture leaves behind, looked after.

- An author or a tag given a new slug keeps its old address: /authors/<old>/
  and /tags/<old>/ answer with a 301 to the new one, as categories and
  articles already do (``AuthorRedirect``, ``TagRedirect``). Something that
  takes an old slug again takes its address back.
- An article whose lead image is replaced or removed, or that is deleted,
  gives its old picture up: once the transaction commits and nothing uses
  that file any more (no article, library picture or author's photo), the
  original and its WebP renditions are deleted from storage. A rolled-back
  save deletes nothing.

Receivers only: ``connect()`` is called from ArticlesConfig.ready().
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db.models import FileField, Model
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag

from newsroom.after_commit import once_after_commit
from newsroom.caching import SITE, invalidate

from .images import RENDITION_WIDTHS, rendition_name
from .models import Article, Author, AuthorRedirect, TagRedirect

logger = logging.getLogger(__name__)

_REDIRECTS = {Author: AuthorRedirect, Tag: TagRedirect}


def _stored(instance, field: str):
    """The stored value of ``field`` for a row about to be saved (None: a new row)."""
    if instance.pk is None:
        return None
    return (
        type(instance)
        ._default_manager.filter(pk=instance.pk)
        .values_list(field, flat=True)
        .first()
    )


def _slug_saving(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        instance._slug_before = _stored(instance, "slug")


def _slug_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    old = instance.__dict__.pop("_slug_before", None)
    redirects = _REDIRECTS[sender]
    if old and old != instance.slug:
        redirects.remember(instance, old)
    elif created and redirects.forget(instance.slug):
        # Its old owner's 301 may be cached at that address.
        invalidate(SITE)


def _image_saving(sender, instance: Article, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "lead_image" not in update_fields):
        return
    instance._lead_image_before = _stored(instance, "lead_image")


def _image_saved(sender, instance: Article, raw=False, **kwargs) -> None:
    if raw:
        return
    old = instance.__dict__.pop("_lead_image_before", None)
    if old and old != instance.lead_image.name:
        _remove_after_commit(old, using=kwargs.get("using"))


def _article_deleted(sender, instance: Article, **kwargs) -> None:
    if instance.lead_image.name:
        _remove_after_commit(instance.lead_image.name, using=kwargs.get("using"))


def _remove_after_commit(name: str, *, using: str | None) -> None:
    once_after_commit(
        ("old-image", name), lambda: remove_unused_image(name), using=using
    )


def remove_unused_image(name: str) -> list[str]:
    """Delete a stored image and its renditions unless something still uses it.

    Returns the names deleted. Every file field of every model is asked, so a
    file shared with another article, the image library or an author's photo
    (the same file, not a copy) stays, renditions and all.
    """
    if any(
        model._default_manager.filter(**{field: name}).exists()
        for model, field in _file_fields()
    ):
        return []
    storage = Article._meta.get_field("lead_image").storage
    removed = []
    for file_name in [*(rendition_name(name, w) for w in RENDITION_WIDTHS), name]:
        if storage.exists(file_name):
            storage.delete(file_name)
            removed.append(file_name)
    if removed:
        logger.info("Removed the unused image %s and its renditions.", name)
    return removed


def _file_fields() -> list[tuple[type[Model], str]]:
    """Every (model, file field) of the site: what may hold a stored file's name."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    ]


def connect() -> None:
    """Wire the receivers; called once from ArticlesConfig.ready()."""
    for model in _REDIRECTS:
        label = model._meta.label
        pre_save.connect(_slug_saving, sender=model, dispatch_uid=f"moves-{label}-pre")
        post_save.connect(_slug_saved, sender=model, dispatch_uid=f"moves-{label}")
    pre_save.connect(_image_saving, sender=Article, dispatch_uid="moves-image-pre")
    post_save.connect(_image_saved, sender=Article, dispatch_uid="moves-image")
    post_delete.connect(
        _article_deleted, sender=Article, dispatch_uid="moves-image-del"
    )
