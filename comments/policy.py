"""Whether an article takes comments, and how they are moderated.

The article's own choice wins, then its category's, then the site's
``NEWSROOM_COMMENT_MODERATION``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from articles.models import Article, CommentPolicy


def moderation_for(article: Article) -> str:
    """One of the ``CommentPolicy`` values."""
    return (
        article.comment_policy
        or article.category.comment_policy
        or settings.NEWSROOM_COMMENT_MODERATION
    )


def closes_at(article: Article) -> datetime | None:
    days = article.category.comments_close_after_days
    if days is None or article.published_at is None:
        return None
    return article.published_at + timedelta(days=days)


def closed_reason(article: Article, now: datetime | None = None) -> str:
    """Why new comments are refused, in the reader's words; empty when they are welcome."""
    now = now or timezone.now()
    if not article.is_public:
        return "This article is not published."
    if not article.is_commenting_open or moderation_for(article) == CommentPolicy.OFF:
        return "Comments are closed for this article."
    deadline = closes_at(article)
    if deadline is not None and deadline <= now:
        return "Comments are closed: this discussion has ended."
    return ""
