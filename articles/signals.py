"""Keep cached pages and derived text honest, and tag addresses usable."""

import hashlib
import itertools

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag

from newsroom.caching import content_changed

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
_moments = itertools.count()
_refreshed_at: dict[int, int] = {}


def _part_changed(sender: type, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    article_id, asked_at = instance.article_id, next(_moments)

    def refresh() -> None:
        if _refreshed_at.get(article_id, -1) > asked_at:
            return  # done already, after this change was committed
        _refreshed_at[article_id] = next(_moments)
        article = Article.objects.filter(pk=article_id).first()
        if article is not None:
            article.refresh_derived_text()

    transaction.on_commit(refresh)


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
    pre_save.connect(_give_tag_a_usable_slug, sender=Tag, dispatch_uid="tag-slugs")
    for part in (Section, ArticleTable, FaqItem):
        label = part._meta.label
        post_save.connect(_part_changed, sender=part, dispatch_uid=f"text-{label}")
        post_delete.connect(
            _part_changed, sender=part, dispatch_uid=f"text-del-{label}"
        )
