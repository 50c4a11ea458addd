"""Whole-page caching for anonymous readers, with exact invalidation.

Every rendered public page is stored under the current *content generation*.
Any change to published content (an article, its sections, a category, a tag,
an approved comment) bumps the generation once the transaction commits, so the
next request renders afresh and the old copies are never read again; they
simply expire. A scheduled article needs no save to appear: the generation
remembers when the next scheduled article goes live and moves on by itself at
that moment.

The generation lives in the shared cache (Redis in production), so every app
server sees a change at once. ``cache.incr`` is atomic there, and ``cache.add``
creates a missing generation without racing another server.

Changes that touch only a few pages (a comment approved on one article) do not
bump the generation. A page names what it shows with ``depends_on(request,
"comments:42")``; the version of each such *tag* is read at that moment and
stored with the page. ``invalidate("comments:42")`` gives the tag a new version
after commit, and a stored page whose tags no longer match is rendered afresh.
Every other page stays cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control
from redis.exceptions import RedisError

from newsroom.site import site_root

logger = logging.getLogger(__name__)

# What a shared cache raises when it cannot be reached. Pages then render
# straight from the database: slower, never broken.
CACHE_ERRORS = (OSError, RedisError)

GENERATION_KEY = "content:generation"
# Like every entry, the generation expires (after a quiet day): a new random
# one then simply starts, and pages render afresh once.
GENERATION_SECONDS = 60 * 60 * 24
_READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Headers that describe the page itself and so are kept with the cached copy.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


TAG_SECONDS = 60 * 60 * 24


def _tag_key(tag: str) -> str:
    return f"tag:{tag}"


def depends_on(request: HttpRequest, *tags: str) -> None:
    """Record that the page being rendered shows what ``tags`` name.

    Call it *before* reading the data the tags cover: the versions read here
    are stored with the page, so a change committed after this call (even
    while the page renders) makes the stored copy stale, never wrongly fresh.
    """
    known = getattr(request, "cache_tags", None)
    if known is None:
        return  # not a cached page (preview, admin): nothing to record
    wanted = [tag for tag in tags if tag not in known]
    if not wanted:
        return
    try:
        keys = {_tag_key(tag): tag for tag in wanted}
        found = cache.get_many(list(keys))
        for key, tag in keys.items():
            version = found.get(key)
            if version is None:
                cache.add(key, secrets.token_hex(8), TAG_SECONDS)
                version = cache.get(key)
            if version is None:  # evicted at once: freshness cannot be promised
                request.cache_tags = None
                return
            known[tag] = version
    except CACHE_ERRORS:
        request.cache_tags = None  # cannot promise freshness: do not store


def invalidate(*tags: str) -> None:
    """Make every cached page that depends on ``tags`` stale once this transaction commits."""
    transaction.on_commit(lambda: _renew_tags(tags))


def _renew_tags(tags: tuple[str, ...]) -> None:
    try:
        cache.set_many(
            {_tag_key(tag): secrets.token_hex(8) for tag in tags}, TAG_SECONDS
        )
    except CACHE_ERRORS as error:
        # The change is saved; pages showing it expire on their TTL.
        logger.error(
            "Could not invalidate cached pages for %s: %r", ", ".join(tags), error
        )


def _tags_current(tags: dict[str, str]) -> bool:
    if not tags:
        return True
    found = cache.get_many([_tag_key(tag) for tag in tags])
    return all(found.get(_tag_key(tag)) == version for tag, version in tags.items())


def content_changed() -> None:
    """Invalidate every cached page once the current transaction commits."""
    transaction.on_commit(_bump_after_commit)


def _bump_after_commit() -> None:
    try:
        bump_generation()
    except CACHE_ERRORS as error:
        # The change is saved; pages cached before the outage expire on their TTL.
        logger.error("Could not invalidate cached pages: %r", error)


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (first start, or evicted): a random start cannot collide
        # with pages stored under an earlier generation.
        cache.add(GENERATION_KEY, secrets.randbelow(2**40), GENERATION_SECONDS)


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.randbelow(2**40), GENERATION_SECONDS)
        generation = cache.get(GENERATION_KEY)
    return generation


# Functions answering "when does published content next change by itself?"
# (a scheduled article going live); apps register theirs when they start.
_schedules: list[Callable[[], datetime | None]] = []


def register_schedule(source: Callable[[], datetime | None]) -> None:
    """Make cached pages expire when ``source()`` says content next changes on its own."""
    if source not in _schedules:
        _schedules.append(source)


def _next_scheduled_time(generation: int) -> datetime | None:
    """When published content next changes on its own, as known at this generation."""
    key = f"content:next-scheduled:{generation}"
    cached = cache.get(key)
    if cached is None:
        moments = [moment for source in _schedules if (moment := source())]
        cached = {"at": min(moments, default=None)}
        cache.set(key, cached, settings.NEWSROOM_PAGE_CACHE_SECONDS * 10)
    return cached["at"]


def current_generation() -> tuple[int, int]:
    """Return the content generation and how many seconds pages may live under it."""
    generation = _generation()
    ttl = settings.NEWSROOM_PAGE_CACHE_SECONDS
    upcoming = _next_scheduled_time(generation)
    if upcoming is not None:
        remaining = (upcoming - timezone.now()).total_seconds()
        if remaining <= 0:
            bump_generation()
            generation = _generation()
            upcoming = _next_scheduled_time(generation)
            remaining = (upcoming - timezone.now()).total_seconds() if upcoming else ttl
        ttl = max(1, min(ttl, int(remaining)))
    return generation, ttl


def _page_key(request: HttpRequest, generation: int) -> str:
    # Pages name their own address (canonical links, feeds, structured data)
    # from site_root(): NEWSROOM_BASE_URL when set, so no variant of the Host
    # header, port or forwarded scheme gets a copy of its own; else the
    # request's validated scheme and host, so a copy made for one is never
    # served to another.
    address = f"{site_root(request)}{request.path}?{request.GET.urlencode()}"
    return f"page:{generation}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _keep_only(request: HttpRequest, names: tuple[str, ...]) -> None:
    """Drop every query parameter the page does not use (utm_source, fbclid…).

    The view, its links and the cache key then see the same clean address, so
    tracking parameters can neither split the cache nor leak into the page.
    """
    kept = [
        (name, value) for name in sorted(names) for value in request.GET.getlist(name)
    ]
    request.GET = QueryDict(urlencode(kept))


def public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    query: tuple[str, ...] | None = None,
):
    """Serve a page the same to every reader from the cache, and let browsers keep it briefly.

    Only for pages that do not depend on who is asking: no session, no CSRF
    token, no per-user content. ``query`` names the query parameters the page
    reads (``("page",)`` for a list, ``()`` for none); others are dropped
    before the view runs. ``None`` keeps them all.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse()
                response["Allow"] = ", ".join(_READ_METHODS)
                return response
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(_READ_METHODS)
            if query is not None:
                _keep_only(request, query)
            return _serve(view, request, *args, **kwargs)

        # Reading pages accept no forms: a POST gets 405, not a CSRF failure.
        wrapper.csrf_exempt = True
        return wrapper

    return decorate if view is None else decorate(view)


def _serve(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs):
    try:
        generation, ttl = current_generation()
        # Parts of the page cached per generation (the menu) need not ask again.
        request.content_generation = generation
        key = _page_key(request, generation)
        stored = cache.get(key)
        if stored is not None and not _tags_current(stored.get("tags", {})):
            stored = None
    except CACHE_ERRORS:
        logger.warning("Cache unreachable; serving %s uncached", request.path)
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        return response
    if stored is not None:
        response = HttpResponse(stored["content"], status=stored["status"])
        for name, value in stored["headers"].items():
            response[name] = value
        response["X-Cache"] = "hit"
    else:
        request.cache_tags = {}
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # TemplateResponse
        if not _is_storable(request, response):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
        stored = {
            "content": response.content,
            "status": 200,
            "headers": headers,
            "tags": request.cache_tags,
        }
        with contextlib.suppress(*CACHE_ERRORS):
            cache.set(key, stored, ttl)
        response["X-Cache"] = "miss"
    patch_cache_control(
        response, public=True, max_age=min(ttl, settings.NEWSROOM_BROWSER_CACHE_SECONDS)
    )
    return response


def _is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A tag version could not be read: freshness cannot be promised.
        and request.cache_tags is not None
        # A page that used a CSRF token belongs to one visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )
