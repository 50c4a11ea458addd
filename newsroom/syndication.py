"""What every feed of the site shares: RSS 2.0 and Atom writers, XML-safe text, addresses.

Feeds are built from plain text. The writers below strip the characters XML
1.0 cannot carry (one stray control character in a headline would otherwise
make the whole feed unreadable for every subscriber) and escape what feed
readers render as HTML. The article feeds live in ``articles.feeds``, the
comment feed in ``comments.feeds``; the sitemaps use ``xml_safe`` too.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.functional import Promise
from django.utils.html import escape

from .site import absolute_url

# Entries per feed, for articles and comments alike.
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


# The request whose feed is being written. Django serves every request with
# the one Feed instance in the URLconf, so nothing request-specific may be
# stored on it; a context variable is private to the thread (or task) that
# set it.
_request: ContextVar[HttpRequest] = ContextVar("feed_request")


class NewsFeed(Feed):
    """Absolute addresses and permanent ids for the request being served.

    Django's ``Feed.__call__`` runs the request: ``get_object(request, …)``
    finds what the feed is about (a 404 if nothing), then ``get_feed(obj,
    request)`` writes it. While it writes, ``absolute()`` makes addresses
    from ``newsroom.site.absolute_url``: NEWSROOM_BASE_URL, else the scheme
    and the current site's domain, which is what Django's ``add_domain()``
    would put in front of a bare path (it leaves these absolute ones alone).
    """

    feed_type: type[SyndicationFeed] = RssFeed

    def get_feed(self, obj, request: HttpRequest) -> SyndicationFeed:
        token = _request.set(request)
        try:
            return super().get_feed(obj, request)
        finally:
            _request.reset(token)

    def absolute(self, path: str) -> str:
        """``path`` on the site's public address; only while a feed is being written."""
        return absolute_url(_request.get(), path)

    def tag_uri(self, kind: str, pk: int, created: datetime) -> str:
        """A permanent RFC 4151 id: unlike the link, it survives a new slug or category."""
        host = urlsplit(self.absolute("/")).hostname or "localhost"
        return f"tag:{host},{created:%Y-%m-%d}:{kind}/{pk}"

    def is_atom(self) -> bool:
        return issubclass(self.feed_type, Atom1Feed)

    def author_name(self) -> str:
        # Atom needs an author for entries without a byline; RSS ignores it.
        return settings.NEWSROOM_SITE_NAME


def atom(feed_class: type[NewsFeed]) -> type[NewsFeed]:
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": AtomFeed, "subtitle": feed_class.description},
    )
