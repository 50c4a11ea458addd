"""RSS 2.0 and Atom feeds of the latest articles, and per category, tag and author.

The writers, XML-safe text and addresses they share with the comment feed
are in ``newsroom.syndication``.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from taggit.models import Tag

from newsroom.caching import depends_on
from newsroom.syndication import FEED_LENGTH, NewsFeed

from .models import Article, Author, Category
from .page_tags import author_tag, category_tag, tag_tag
from .querysets import LISTING_FIELDS


class ArticleFeed(NewsFeed):
    """The latest public articles; subclasses narrow the list to one category, tag or author."""

    kind = "latest"

    def title(self, obj: Model | None = None) -> str:
        return settings.NEWSROOM_SITE_NAME + (f": {obj}" if obj is not None else "")

    def description(self, obj: Model | None = None) -> str:
        if obj is None:
            return f"The latest articles from {settings.NEWSROOM_SITE_NAME}."
        return f"The latest articles from {settings.NEWSROOM_SITE_NAME} on {obj}."

    def link(self, obj: Model | None = None) -> str:
        path = obj.get_absolute_url() if obj is not None else reverse("articles:home")
        return self.absolute(path)

    def feed_url(self, obj: Model | None = None) -> str:
        name = f"feeds:{self.kind}" + ("-atom" if self.is_atom() else "")
        args = [obj.slug] if obj is not None else []
        return self.absolute(reverse(name, args=args))

    def feed_guid(self, obj: Model | None = None) -> str:
        return self.feed_url(obj)

    def articles(self, obj: Model | None = None):
        return (
            Article.objects.for_listing()
            .only(*LISTING_FIELDS, "created_at")
            .prefetch_related("tags")
        )

    def items(self, obj: Model | None = None):
        return self.articles(obj)[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Descriptions are HTML by convention: escape the text so it stays text.
        return escape(item.summary)

    def item_link(self, item: Article) -> str:
        return self.absolute(item.get_absolute_url())

    def item_comments(self, item: Article) -> str:
        return self.absolute(item.get_absolute_url() + "#comments")

    def item_guid(self, item: Article) -> str:
        return self.tag_uri("article", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.last_changed_at

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"author_names": [byline.author.name for byline in item.bylines.all()]}

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name, *(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        if not item.lead_image:
            return []
        mime = mimetypes.guess_type(item.lead_image.name)[0]
        if not mime or not mime.startswith("image/"):
            return []
        try:
            length = item.lead_image.size
        except OSError:
            return []  # the file is missing from storage: no enclosure beats a broken one
        return [Enclosure(self.absolute(item.lead_image.url), str(length), mime)]


class CategoryFeed(ArticleFeed):
    kind = "category"

    def get_object(self, request: HttpRequest, slug: str) -> Category:
        category = get_object_or_404(Category, slug=slug)
        depends_on(request, category_tag(category.pk))
        return category

    def articles(self, obj: Category):
        return super().articles().filter(category=obj)


class TagFeed(ArticleFeed):
    kind = "tag"

    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        # Like the tag page: a tag used only by unpublished articles does not exist yet.
        tag = get_object_or_404(
            Tag.objects.filter(article__in=Article.objects.published()).distinct(),
            slug=slug,
        )
        depends_on(request, tag_tag(tag.pk))
        return tag

    def link(self, obj: Tag) -> str:
        return self.absolute(reverse("articles:tag", args=[obj.slug]))

    def articles(self, obj: Tag):
        return super().articles().tagged(obj)


class AuthorFeed(ArticleFeed):
    kind = "author"

    def get_object(self, request: HttpRequest, slug: str) -> Author:
        author = get_object_or_404(Author, slug=slug)
        depends_on(request, author_tag(author.pk))
        return author

    def articles(self, obj: Author):
        return super().articles().filter(bylines__author=obj)
