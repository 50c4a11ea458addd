"""The comments' part of the desk's home page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.urls import reverse

from ..models import Comment

register = template.Library()

# How many waiting comments the desk's home page lists.
WAITING_LISTED = 5


@dataclass
class Waiting:
    count: int
    queue_url: str
    comments: list[Comment] = field(default_factory=list)


@register.simple_tag
def comments_waiting(user) -> Waiting | None:
    """Comments waiting for a decision, for users who may see comments: the
    count and the newest few (two queries, one when none waits)."""
    if not user.has_perm("comments.view_comment"):
        return None
    waiting = Comment.objects.needing_decision()
    queue_url = reverse("admin:comments_comment_changelist") + "?queue=decide"
    count = waiting.count()
    if not count:
        return Waiting(0, queue_url)
    comments = list(
        waiting.select_related("article")
        .only("pk", "author_name", "body", "created_at", "article__title")
        .order_by("-created_at", "-pk")[:WAITING_LISTED]
    )
    return Waiting(count, queue_url, comments)
