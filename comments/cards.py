"""Comment counts on article cards (front, category, tag and author pages)."""

from __future__ import annotations

from django.http import HttpRequest

from articles.models import Article
from newsroom.caching import depends_on

from .discussion import counts_for
from .models import DISCUSSION_ANCHOR
from .templatetags.comments_tags import discussion_tag


def add_comment_counts(request: HttpRequest, articles: list[Article]) -> None:
    depends_on(request, *(discussion_tag(article.pk) for article in articles))
    counts = counts_for([article.pk for article in articles])
    for article in articles:
        article.comment_count = counts.get(article.pk, 0)
        article.discussion_url = f"{article.get_absolute_url()}#{DISCUSSION_ANCHOR}"
