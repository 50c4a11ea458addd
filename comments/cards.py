"""Comment counts on article cards (front, category, tag and author pages)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse

from articles.models import Article
from newsroom.caching import depends_on

from .discussion import counts_for
from .models import DISCUSSION_ANCHOR
from .templatetags.comments_tags import discussion_tag


def add_comment_counts(request: HttpRequest, articles: list[Article]) -> None:
    depends_on(request, *(discussion_tag(article.pk) for article in articles))
    counts = counts_for([article.pk for article in articles])
    address = article_address()
    for article in articles:
        article.comment_count = counts.get(article.pk, 0)
        article.discussion_url = f"{address(article)}#{DISCUSSION_ANCHOR}"


def article_address() -> Callable[[Article], str]:
    """``get_absolute_url()`` for a page of cards, from one ``reverse()``, not one a card.

    Slugs are ASCII letters, digits, hyphens and underscores, which an
    address never quotes: put into the reversed pattern, they give the same
    address.
    """
    sample = reverse("articles:detail", kwargs={"category_slug": "c", "slug": "s"})
    prefix = sample.removesuffix("/c/s/")
    if prefix == sample:  # an address of another shape: reverse each one
        return Article.get_absolute_url
    return lambda article: f"{prefix}/{article.category.slug}/{article.slug}/"
