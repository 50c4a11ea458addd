"""The cache tags of the public pages, and which pages a changed article touches.

Each page declares what it shows (newsroom.caching.depends_on):

| page | tags |
|---|---|
| front page | ``front`` |
| latest-articles feeds | ``feeds`` |
| category page and feeds | ``category:<id>`` |
| tag page and feeds | ``tag:<id>`` |
| author page and feeds | ``author:<id>`` |
| article page | ``article:<id>``, ``category:<id>`` (previous/next, related, the comment policy), ``tag:<id>`` of each of its tags (related) |
| sitemaps | ``sitemaps`` |
| search | ``search`` |

and every page ``site`` (the menu). A public article that changes renews its
own tag and those of every list it is, or was, on (``article_tags``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import Article, Byline, TaggedArticle

FRONT = "front"
FEEDS = "feeds"
SITEMAPS = "sitemaps"
SEARCH = "search"
# Lists every public article is on, whatever its category, tags and authors.
EVERY_LIST = (FRONT, FEEDS, SITEMAPS, SEARCH)


def article_tag(pk: int) -> str:
    return f"article:{pk}"


def category_tag(pk: int) -> str:
    return f"category:{pk}"


def tag_tag(pk: int) -> str:
    return f"tag:{pk}"


def author_tag(pk: int) -> str:
    return f"author:{pk}"


def article_page_tags(article: Article) -> list[str]:
    """What an article page shows besides its discussion (tags prefetched)."""
    return [
        article_tag(article.pk),
        category_tag(article.category_id),
        *(tag_tag(tag.pk) for tag in article.tags.all()),
    ]


def is_public(status: str, published_at) -> bool:
    """Article.is_public for values read without the model."""
    return (
        status == Article.Status.PUBLISHED
        and published_at is not None
        and published_at <= timezone.now()
    )


def article_tags(ids: Iterable[int], *, hidden_too: bool = False) -> set[str]:
    """The tags of the pages showing these articles: themselves and their lists.

    Articles readers cannot see show on no page and count only with
    ``hidden_too`` (one that was public before this change). Three queries.
    """
    rows = Article.objects.filter(pk__in=list(ids)).values_list(
        "pk", "category_id", "status", "published_at"
    )
    shown = {
        pk: category_id
        for pk, category_id, status, published_at in rows
        if hidden_too or is_public(status, published_at)
    }
    if not shown:
        return set()
    tags = {*EVERY_LIST}
    tags.update(article_tag(pk) for pk in shown)
    tags.update(category_tag(pk) for pk in shown.values())
    tagged = TaggedArticle.objects.filter(content_object_id__in=list(shown))
    tags.update(tag_tag(pk) for pk in tagged.values_list("tag_id", flat=True))
    bylines = Byline.objects.filter(article_id__in=list(shown))
    tags.update(author_tag(pk) for pk in bylines.values_list("author_id", flat=True))
    return tags
