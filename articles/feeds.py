"""RSS 2.0 and Atom feeds: latest articles, per category, tag and author, and comments."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from taggit.models import Tag

from comments.models import Comment

from .models import Article, Author, Category

FEED_LENGTH = 30


class _SafeRss(Rss201rev2Feed):
    content_type = "application/rss+xml; charset=utf-8"


class ArticleFeed(Feed):
    """The latest public articles; subclasses narrow the list to one category, tag or author."""

    feed_type = _SafeRss
    kind = "latest"

    def title(self, obj=None) -> str:
        return settings.NEWSROOM_SITE_NAME + (f": {obj}" if obj is not None else "")

    def description(self, obj=None) -> str:
        if obj is None:
            return f"The latest articles from {settings.NEWSROOM_SITE_NAME}."
        return f"The latest articles from {settings.NEWSROOM_SITE_NAME} on {obj}."

    def link(self, obj=None) -> str:
        return obj.get_absolute_url() if obj is not None else reverse("articles:home")

    def feed_url(self, obj=None) -> str:
        name = f"feeds:{self.kind}" + ("-atom" if self.feed_type is Atom1Feed else "")
        args = [obj.slug] if obj is not None else []
        return reverse(name, args=args)

    def articles(self, obj=None):
        return Article.objects.for_listing().prefetch_related("tags")

    def items(self, obj=None):
        return self.articles(obj)[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Descriptions are HTML by convention: escape the text so it stays text.
        return escape(item.summary)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        # A permanent id: survives a change of slug or category.
        return f"tag:{settings.NEWSROOM_SITE_NAME.lower().replace(' ', '-')},article:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str | None:
        names = [byline.author.name for byline in item.bylines.all()]
        return ", ".join(names) or None

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name, *(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        if not item.lead_image:
            return []
        try:
            length = item.lead_image.size
        except OSError:
            return []
        mime = mimetypes.guess_type(item.lead_image.name)[0] or "image/jpeg"
        return [Enclosure(self._absolute(item.lead_image.url), str(length), mime)]

    def get_feed(self, obj, request):
        self._request = request
        return super().get_feed(obj, request)

    def _absolute(self, url: str) -> str:
        if settings.NEWSROOM_BASE_URL:
            return settings.NEWSROOM_BASE_URL + url
        return self._request.build_absolute_uri(url)


class CategoryFeed(ArticleFeed):
    kind = "category"

    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def articles(self, obj):
        return super().articles().filter(category=obj)


class TagFeed(ArticleFeed):
    kind = "tag"

    def get_object(self, request, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def link(self, obj=None) -> str:
        return reverse("articles:tag", args=[obj.slug])

    def articles(self, obj):
        return super().articles().tagged(obj)


class AuthorFeed(ArticleFeed):
    kind = "author"

    def get_object(self, request, slug: str) -> Author:
        return get_object_or_404(Author, slug=slug)

    def articles(self, obj):
        return super().articles().filter(bylines__author=obj)


class ArticleCommentsFeed(Feed):
    """Approved comments on one public article, newest first."""

    feed_type = _SafeRss

    def get_object(self, request, pk: int) -> Article:
        return get_object_or_404(
            Article.objects.published().select_related("category"), pk=pk
        )

    def title(self, obj: Article) -> str:
        return f"Comments on “{obj.title}”"

    def description(self, obj: Article) -> str:
        return f"Reader comments on “{obj.title}” at {settings.NEWSROOM_SITE_NAME}."

    def link(self, obj: Article) -> str:
        return obj.get_absolute_url() + "#comments"

    def items(self, obj: Article):
        return (
            Comment.objects.visible()
            .filter(article=obj)
            .select_related("article__category")
            .order_by("-created_at", "-id")[:FEED_LENGTH]
        )

    def item_title(self, item: Comment) -> str:
        return f"{item.author_name} on “{item.article.title}”"

    def item_description(self, item: Comment) -> str:
        return linebreaks(escape(item.body))

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Comment):
        return item.created_at

    def item_author_name(self, item: Comment) -> str:
        return item.author_name


def atom(feed_class: type[Feed]) -> type[Feed]:
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )
