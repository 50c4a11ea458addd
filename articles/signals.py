"""Keep cached pages honest: any change to what readers can see invalidates them."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from newsroom.caching import content_changed

# Models whose rows appear on public pages. Comments count too: approving one
# changes the article page and its comment feed.
_WATCHED_APPS = ("articles", "comments", "taggit")


def _invalidate(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the command that follows decides
    content_changed()


for _app_label in _WATCHED_APPS:
    for _model in apps.get_app_config(_app_label).get_models():
        post_save.connect(
            _invalidate, sender=_model, dispatch_uid=f"pages-{_model._meta.label}"
        )
        post_delete.connect(
            _invalidate, sender=_model, dispatch_uid=f"pages-del-{_model._meta.label}"
        )
