"""Keep cached pages that show comments exact: only the article's own pages go stale.

The article page's stored threads (``discussion_part``) are kept under the
same cache tag, so they follow every change that reaches these signals:
posting, approving, rejecting, editing, deleting, a reader's reports hiding
a comment. Closing the discussion is a change to the article, whose row is
in their key.
"""

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
