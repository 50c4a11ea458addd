"""Keep cached pages and derived text honest, and tag addresses usable."""

import hashlib

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag

from newsroom.after_commit import once_after_commit
from newsroom.caching import content_changed

from .images import make_missing_renditions
from .models import Article, ArticleTable, FaqItem, Section

# Models whose rows appear on public pages. Other apps (comments) keep their
# own pages fresh with finer-grained cache tags.
_WATCHED_APPS = ("articles", "taggit")


def _invalidate(sender: type, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the command that follows decides
    content_changed()


# Derived text (body_text, excerpt, the search index) follows the article's
# parts however they are saved: the admin and the importer refresh it at once,
# and any other path (the shell, a data fix, a future API) is caught here
# once the transaction commits. Each commit refreshes an article once,
# however many of its parts changed.
def _part_changed(sender: type, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    article_id = instance.article_id

    def refresh() -> None:
        article = Article.objects.filter(pk=article_id).first()
        if article is not None:
            article.refresh_derived_text()

    once_after_commit(("derived-text", article_id), refresh, using=kwargs.get("using"))


def _make_renditions_after_commit(
    sender: type[Article], instance: Article, raw: bool, update_fields=None, **kwargs
) -> None:
    """A lead image gets its smaller WebP copies once the article that holds it is kept.

    Saving the row only stores the upload; the renditions are made after the
    commit, so a rolled-back save leaves none behind. An image that already
    has them (any save that did not replace it) costs one look at the storage.
    """
    if raw or not instance.lead_image:
        return
    if update_fields is not None and "lead_image" not in update_fields:
        return
    image = instance.lead_image
    once_after_commit(
        ("renditions", image.name),
        lambda: make_missing_renditions(image),
        using=kwargs.get("using"),
    )


def _give_tag_a_usable_slug(sender: type, instance: Tag, **kwargs) -> None:
    """A tag named only with emoji or punctuation slugifies to nothing; give it an address."""
    if not any(character.isalnum() for character in instance.slug):
        digest = hashlib.sha256(instance.name.encode()).hexdigest()[:10]
        instance.slug = f"topic-{digest}"


def connect() -> None:
    """Wire the receivers; called once from ArticlesConfig.ready()."""
    for app_label in _WATCHED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label
            post_save.connect(_invalidate, sender=model, dispatch_uid=f"pages-{label}")
            post_delete.connect(
                _invalidate, sender=model, dispatch_uid=f"pages-del-{label}"
            )
    post_save.connect(
        _make_renditions_after_commit, sender=Article, dispatch_uid="renditions"
    )
    pre_save.connect(_give_tag_a_usable_slug, sender=Tag, dispatch_uid="tag-slugs")
    for part in (Section, ArticleTable, FaqItem):
        label = part._meta.label
        post_save.connect(_part_changed, sender=part, dispatch_uid=f"text-{label}")
        post_delete.connect(
            _part_changed, sender=part, dispatch_uid=f"text-del-{label}"
        )
