"""Keep cached pages honest, and tag addresses usable."""

import hashlib

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag

from newsroom.caching import content_changed

# Models whose rows appear on public pages. Other apps (comments) keep their
# own pages fresh with finer-grained cache tags.
_WATCHED_APPS = ("articles", "taggit")


def _invalidate(sender: type, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the command that follows decides
    content_changed()


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
