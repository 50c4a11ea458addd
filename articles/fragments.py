"""Stored fragments: parts of public pages rendered once and kept in the shared cache.

An article's text, tables, FAQ, bylines and structured data change only when
the article does, and a card on a list only when its article does; rendering
them on every request costs more than everything else on the page. A
*stored fragment* is such a part, rendered once and kept under a key that
names everything it shows:

- the versions of the cache tags of what it shows (``article:12``, ``site``,
  ``category:3``…): the page cache renews them after every change that
  commits (``articles/signals.py``), whatever else changed with it, so
  fragments follow exactly the pages' own invalidation. A version is read
  before the data the fragment is rendered from: a change that commits in
  between renews a version the fragment is not stored under;
- the values of the rows the request already read (the article and its
  category), so a change to them shows even without a renewal;
- the site's address, and the templates, code (of every app of the
  project), static files and settings of this release
  (``fragment_keys.py``).

So a fragment is never stale: a change makes a new key, and the old entry
expires unread. What depends on the clock as well (lists, the stories around
an article) lives no longer than a cached page (a few minutes when the page
cache is off): a scheduled article going live renews the tags of the lists
it joins only for copies that young (``newsroom/caching/schedule.py``). Previews, drafts and review links never
read or write fragments. If the cache cannot be reached, or a version cannot
be kept, pages are rendered from the database as before.

Templates mark what is stored with ``{% stored %}`` and, inside it, what is
still rendered on every request with ``{% live %}`` (what depends on the
clock or on other apps' data: a comment count, a form with a signed time
stamp): ``articles/templatetags/articles_fragments.py``. A view says
which groups of pieces a page may use and under which key (``StoredFragments``),
loads the data only for the groups that are missing, renders, and calls
``save()``. Other apps store parts of the article page under cache tags of
their own (``register_article_part``: the discussion, which its app renews).
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import models
from django.http import HttpRequest

from newsroom.caching import (
    CACHE_ERRORS,
    SITE,
    VERSION_SECONDS,
    depends_on,
    timely_seconds,
)

from .fragment_keys import FragmentKeys
from .page_tags import article_tag

# A fragment's key changes with every version it names; the entry itself
# lives no longer than a version does.
FRAGMENT_SECONDS = VERSION_SECONDS
# The pieces of the article page kept with the article's own version.
ARTICLE_PIECES = ("og", "head", "body")
# The pieces every page shares (templates/includes/): the menu, the footer.
CHROME_PIECES = ("header", "footer")
# Entries larger than this, pickled, are kept compressed (zlib, fastest level).
PACK_FROM_BYTES = 4096
# Parts are static text and, between them, the numbers of the live holes.
Parts = list[str | int]


@dataclass
class _Group:
    """Pieces kept together under one key: all found, or all rendered afresh."""

    key: str | None  # None: rendered, never stored
    pieces: frozenset[str] | None  # None: any piece (one card in several styles)
    seconds: int
    found: dict = field(default_factory=dict)
    made: dict[str, Parts] = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    fetched: bool = False

    @property
    def is_found(self) -> bool:
        return bool(self.found) and all(
            piece in self.found["pieces"] for piece in self.pieces or ()
        )

    @property
    def kept_data(self) -> dict:
        return self.data or self.found.get("data", {})


class StoredFragments:
    """The stored fragments one render of a page may use, and those it makes."""

    def __init__(self) -> None:
        self._groups: dict[str, _Group] = {}
        self._piece_groups: dict[str, str] = {}
        self._prepare: Callable[[], None] | None = None

    def add(
        self,
        name: str,
        key: str | None,
        pieces: Iterable[str],
        seconds: int = FRAGMENT_SECONDS,
    ) -> None:
        """A group of named pieces (``{% stored "body" %}``) kept under ``key``."""
        self._groups[name] = _Group(key, frozenset(pieces), seconds)
        self._piece_groups.update(dict.fromkeys(pieces, name))

    def add_each(self, name: str, keys: dict[int, str | None]) -> None:
        """One group per object, by id: ``{% stored "card" article.pk level … %}``.

        The first value names the object, the others the style of the piece.
        """
        for pk, key in keys.items():
            self._groups[f"{name}:{pk}"] = _Group(key, None, FRAGMENT_SECONDS)

    def fetch(self) -> None:
        """Read every group not read yet, in one round trip."""
        waiting = {}
        for group in self._groups.values():
            if not group.fetched and group.key is not None:
                waiting[group.key] = group
            group.fetched = True
        if not waiting:
            return
        try:
            entries = cache.get_many(list(waiting))
        except CACHE_ERRORS:
            entries = None
        for key, group in waiting.items():
            if entries is None:
                group.key = None  # the cache is away: render, keep nothing
            else:
                group.found = _unpacked(entries.get(key)) or {}

    def prepare_found(self, load: Callable[[], None]) -> None:
        """What found groups lack to render a piece they do not hold yet.

        The view loads data only for the groups that are missing; a found group
        asked for a new piece (a card in a style not stored yet) needs it too.
        ``load()`` runs once, before the first such piece, for all of them.
        """
        self._prepare = load

    def missing(self, name: str) -> bool:
        """Whether the group must be rendered from the database."""
        return not self._groups[name].is_found

    def missing_each(self, name: str) -> set[int]:
        """The ids of the objects whose group of ``name`` was not found."""
        prefix = f"{name}:"
        return {
            int(group_name.removeprefix(prefix))
            for group_name, group in self._groups.items()
            if group_name.startswith(prefix) and not group.is_found
        }

    def data(self, name: str) -> dict:
        """What the view keeps with a group (the page's cache tags…), found or set."""
        return self._groups[name].kept_data

    def keep_data(self, name: str, **data) -> None:
        self._groups[name].data.update(data)

    def is_stored(self, name: str, values: Sequence = ()) -> bool:
        """Whether ``{% stored name values %}`` belongs to a group of this page."""
        return self._locate(name, values) is not None

    def parts(self, name: str, values: Sequence = ()) -> Parts | None:
        """The stored parts of a piece; None when it must be rendered."""
        group, piece = self._locate(name, values)
        if piece in group.made:
            return group.made[piece]
        if group.is_found:
            return group.found["pieces"].get(piece)
        return None

    def prepare(self, name: str, values: Sequence) -> None:
        """Before a piece is rendered: ``prepare_found()``'s load, for a found group."""
        group, _ = self._locate(name, values)
        if group.is_found and self._prepare is not None:
            prepare, self._prepare = self._prepare, None
            prepare()

    def keep(self, name: str, values: Sequence, parts: Parts) -> None:
        group, piece = self._locate(name, values)
        group.made[piece] = parts

    def save(self) -> None:
        """Store every group this render completed; nothing on a cache error."""
        by_lifetime: dict[int, dict] = {}
        for group in self._groups.values():
            if group.key is None or not group.made:
                continue
            if group.pieces is None:  # any piece: add to those found
                pieces = {**group.found.get("pieces", {}), **group.made}
            elif group.pieces <= group.made.keys():
                pieces = group.made
            else:
                continue  # a piece was not rendered: keep nothing half done
            entry = _packed({"pieces": pieces, "data": group.kept_data})
            by_lifetime.setdefault(group.seconds, {})[group.key] = entry
        with suppress(*CACHE_ERRORS):
            for seconds, entries in by_lifetime.items():
                cache.set_many(entries, seconds)

    def _locate(self, name: str, values: Sequence) -> tuple[_Group, str] | None:
        if name in self._piece_groups:
            return self._groups[self._piece_groups[name]], name
        if values:
            group = self._groups.get(f"{name}:{values[0]}")
            if group is not None:
                return group, ":".join(str(value) for value in values[1:])
        return None


def _packed(entry: dict) -> dict | bytes:
    """A large entry compressed: an article's text takes a third of the room."""
    data = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
    return zlib.compress(data, 1) if len(data) > PACK_FROM_BYTES else entry


def _unpacked(entry: dict | bytes | None) -> dict | None:
    # Only this module writes these keys, through the same cache as pages.
    return pickle.loads(zlib.decompress(entry)) if isinstance(entry, bytes) else entry


def kept(
    request: HttpRequest, name: str, tags: Sequence[str], load: Callable[[], dict]
) -> dict:
    """What a list shows (the ids on one of its pages…), computed once per version of its tags.

    A list's cache tag (``category:3``, ``front``) is renewed whenever an
    article joins it, leaves it or changes in it, or goes live, so the answer
    is exact; ``load()`` computes it when it is not kept.
    """
    keys = FragmentKeys(request)
    key = keys.key(f"list:{name}", keys.versions([SITE, *tags]))
    found = None
    if key is not None:
        try:
            found = cache.get(key)
        except CACHE_ERRORS:
            key = None
    if found is None:
        found = load()
        if key is not None:
            with suppress(*CACHE_ERRORS):
                cache.set(key, found, timely_seconds())
    return found


def add_chrome(
    store: StoredFragments, keys: FragmentKeys, current_category_id: int | None
) -> None:
    """The header with the menu, and the footer: kept under the site's cache tag."""
    key = keys.key(f"chrome:{current_category_id}", keys.versions([SITE]))
    store.add("chrome", key, CHROME_PIECES)


def card_fragments(
    request: HttpRequest, articles: list, current_category_id: int | None = None
) -> StoredFragments:
    """The stored cards of ``articles`` (list pages), and the page's header and footer.

    A card shows its article's row, category and bylines: it is kept under
    the article's cache tag and the site's (renamed authors, categories).
    Two round trips to the cache: the versions, then the fragments.
    """
    keys = FragmentKeys(request)
    shown = {article.pk: article for article in articles}
    versions = keys.versions([SITE, *map(article_tag, shown)])
    found = {
        pk: keys.key("card", _only(versions, SITE, article_tag(pk)), a, a.category)
        for pk, a in shown.items()
    }
    store = StoredFragments()
    store.add_each("card", found)
    add_chrome(store, keys, current_category_id)
    store.fetch()
    return store


@dataclass(frozen=True)
class ArticlePart:
    """A part of the article page another app renders, as ``{% stored name %}``: kept
    under the cache tags of what it shows and the site's, with the article's and its
    category's rows, and ``variant``, what else it depends on."""

    name: str
    tags: tuple[str, ...]
    variant: str = ""


PartOfArticle = Callable[[HttpRequest, models.Model], ArticlePart | None]
_article_parts: list[PartOfArticle] = []


def register_article_part(part: PartOfArticle) -> None:
    """``part(request, article)`` names a stored part of that article's page, or None."""
    if part not in _article_parts:
        _article_parts.append(part)


def article_fragments(request: HttpRequest, article) -> StoredFragments:
    """The article page's stored text: what it shows of the article itself.

    Kept under the article's cache tag (its parts, bylines, tags, pictures)
    and the site's (a renamed category or author), with its row and its
    category's. Found, the page needs neither its parts nor its structured
    data: ``data("article")`` holds the page's cache tags and tag ids. The
    parts other apps registered are read in the same round trips.
    """
    parts = [part for make in _article_parts if (part := make(request, article))]
    tags = [article_tag(article.pk), *(tag for part in parts for tag in part.tags)]
    # What the page shows: recorded for its cache and read, once.
    depends_on(request, *tags)
    keys = FragmentKeys(request)
    versions = keys.versions([SITE, *tags])
    store = StoredFragments()
    store.add(
        "article",
        keys.key("article", _only(versions, SITE, tags[0]), article, article.category),
        ARTICLE_PIECES,
    )
    for part in parts:
        mine = _only(versions, SITE, *part.tags)
        kind = f"{part.name}:{part.variant}"
        store.add(
            part.name, keys.key(kind, mine, article, article.category), [part.name]
        )
    add_chrome(store, keys, article.category_id)
    store.fetch()
    return store


def _only(versions: dict[str, str] | None, *tags: str) -> dict[str, str] | None:
    return None if versions is None else {tag: versions[tag] for tag in tags}


def add_around(store: StoredFragments, request: HttpRequest, article) -> None:
    """Previous/next and related stories, kept under every cache tag of the page.

    Those are its category's and its tags' (``articles/page_tags.py``): a
    story published, moved or retagged nearby renews them as it renews the
    page. They depend on the clock too (scheduled stories).
    """
    keys = FragmentKeys(request)
    versions = keys.versions([SITE, *store.data("article")["page_tags"]])
    key = keys.key("around", versions, article, article.category)
    store.add("around", key, ("around",), seconds=timely_seconds())
    store.fetch()
