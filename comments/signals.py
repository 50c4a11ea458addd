"""Keep cached pages that show comments exact: only the article's own pages go stale."""

from django.db.models.signals import post_delete, post_save

from newsroom.caching import invalidate

from .models import Comment
from .templatetags.comments_tags import discussion_tag


def _comment_changed(sender: type, instance: Comment, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    invalidate(discussion_tag(instance.article_id))


def connect() -> None:
    post_save.connect(_comment_changed, sender=Comment, dispatch_uid="comments-pages")
    post_delete.connect(
        _comment_changed, sender=Comment, dispatch_uid="comments-pages-delete"
    )
