"""RSS 2.0 and Atom feeds: latest articles, per category, tag and author, and comments.

Every feed is built from plain text. The generators below strip the characters
XML 1.0 cannot carry (one stray control character in a headline would otherwise
make the whole feed unreadable for every subscriber) and escape what feed
readers render as HTML.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.html import escape
from taggit.models import Tag

from newsroom.site import absolute_url

from .models import Article, Author, Category
from .querysets import LISTING_FIELDS

FEED_LENGTH = 30
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"

# XML 1.0 forbids C0 controls other than tab, newline and carriage return,
# lone surrogates and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML 1.0 document may not contain."""
    return _NOT_XML.sub("", text)


def _cleaned(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return [_cleaned(part) for part in value]
    return value


class _CleanFeedMixin:
    """Strips XML-illegal characters from every value and writes one author element per byline."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(
            *(_cleaned(a) for a in args), **{k: _cleaned(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(
            *(_cleaned(a) for a in args), **{k: _cleaned(v) for k, v in kwargs.items()}
        )

    def add_item_elements(self, handler, item: dict) -> None:
        names = item.get("author_names") or (
            [item["author_name"]] if item["author_name"] else []
        )
        super().add_item_elements(handler, {**item, "author_name": None})
        for name in names:
            self.add_author(handler, name)

    def add_author(self, handler, name: str) -> None:
        raise NotImplementedError


class RssFeed(_CleanFeedMixin, Rss201rev2Feed):
    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item(self, title: str, *args, **kwargs) -> None:
        # Most RSS readers render item titles as HTML; escaped, a headline
        # such as "Q&A: <br> tags" shows as written.
        super().add_item(escape(title), *args, **kwargs)

    def add_author(self, handler, name: str) -> None:
        handler.addQuickElement("dc:creator", name)


class AtomFeed(_CleanFeedMixin, Atom1Feed):
    # Atom titles are type="text": readers show them verbatim, so no escaping.

    def add_author(self, handler, name: str) -> None:
        handler.startElement("author", {})
        handler.addQuickElement("name", name)
        handler.endElement("author")


class NewsFeed(Feed):
    """Shared plumbing: absolute addresses and permanent ids for the request being served."""

    feed_type = RssFeed
    request: HttpRequest

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # One feed object serves every thread; the request goes on a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def absolute(self, path: str) -> str:
        return absolute_url(self.request, path)

    def tag_uri(self, kind: str, pk: int, created: datetime) -> str:
        """A permanent RFC 4151 id: unlike the link, it survives a new slug or category."""
        host = urlsplit(self.absolute("/")).hostname or "localhost"
        return f"tag:{host},{created:%Y-%m-%d}:{kind}/{pk}"

    def is_atom(self) -> bool:
        return issubclass(self.feed_type, Atom1Feed)

    def author_name(self) -> str:
        # Atom needs an author for entries without a byline; RSS ignores it.
        return settings.NEWSROOM_SITE_NAME


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
        return get_object_or_404(Category, slug=slug)

    def articles(self, obj: Category):
        return super().articles().filter(category=obj)


class TagFeed(ArticleFeed):
    kind = "tag"

    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        # Like the tag page: a tag used only by unpublished articles does not exist yet.
        return get_object_or_404(
            Tag.objects.filter(article__in=Article.objects.published()).distinct(),
            slug=slug,
        )

    def link(self, obj: Tag) -> str:
        return self.absolute(reverse("articles:tag", args=[obj.slug]))

    def articles(self, obj: Tag):
        return super().articles().tagged(obj)


class AuthorFeed(ArticleFeed):
    kind = "author"

    def get_object(self, request: HttpRequest, slug: str) -> Author:
        return get_object_or_404(Author, slug=slug)

    def articles(self, obj: Author):
        return super().articles().filter(bylines__author=obj)


def atom(feed_class: type[Feed]) -> type[Feed]:
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": AtomFeed, "subtitle": feed_class.description},
    )
