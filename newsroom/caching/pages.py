"""``public_page``: serve a page the same to every reader, from the shared cache.

A copy is stored under the page's address (never under a version), so it
stays reachable once stale. Per request:

- fresh copy (every tag at the version it was rendered with, its lifetime not
  over): sent as it is, or as 304 to a conditional request;
- stale or missing: one request takes the page's lock (``cache.add``, which
  lapses after NEWSROOM_PAGE_STALE_SECONDS) and renders; meanwhile the others
  get the stale copy if it went stale at most NEWSROOM_PAGE_STALE_SECONDS ago,
  or else wait for the new copy (at most as long as the lock lives);
- a render that cannot be stored (a cookie, a CSRF token, an error page)
  removes the old copy and leaves a short note, so the requests waiting for
  it render for themselves instead of queueing behind the lock.

If the cache cannot be reached, pages render from the database and are sent
private: slower, never broken.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.utils.cache import patch_cache_control

from newsroom.site import site_root

from . import schedule
from .copies import make_copy, respond
from .versions import (
    CACHE_ERRORS,
    CHANGES_KEY,
    SITE,
    changes_version,
    current_versions,
    depends_on,
    logger,
    still_current,
    version_time,
)

_READ_METHODS = ("GET", "HEAD", "OPTIONS")
# How often a request waiting for another's render looks for the new copy.
POLL_SECONDS = 0.05


def public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    query: tuple[str, ...] | None = None,
    tags: tuple[str, ...] = (),
):
    """Serve a page the same to every reader from the cache, and let proxies keep it briefly.

    Only for pages that do not depend on who is asking: no session, no CSRF
    token, no per-user content. ``query`` names the query parameters the page
    reads (``("page",)`` for a list, ``()`` for none); others are dropped
    before the view runs. ``None`` keeps them all. ``tags`` are cache tags the
    page always shows (``("front",)``); the view adds others with
    ``depends_on``.
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
            return _Page(view, request, args, kwargs, tags).serve()

        # Reading pages accept no forms: a POST gets 405, not a CSRF failure.
        wrapper.csrf_exempt = True
        return wrapper

    return decorate if view is None else decorate(view)


def _keep_only(request: HttpRequest, names: tuple[str, ...]) -> None:
    """Drop every query parameter the page does not use (utm_source, fbclid…).

    The view, its links and the cache key then see the same clean address, so
    tracking parameters can neither split the cache nor leak into the page.
    """
    kept = [
        (name, value) for name in sorted(names) for value in request.GET.getlist(name)
    ]
    request.GET = QueryDict(urlencode(kept))


def page_key(request: HttpRequest) -> str:
    # Pages name their own address (canonical links, feeds, structured data)
    # from site_root(): NEWSROOM_BASE_URL when set, so no variant of the Host
    # header, port or forwarded scheme gets a copy of its own; else the
    # request's validated scheme and host, so a copy made for one is never
    # served to another.
    address = f"{site_root(request)}{request.path}?{request.GET.urlencode()}"
    return (
        f"page:{hashlib.sha256(address.encode()).hexdigest()[:32]}"  # pragma: no mutate
    )


def lock_seconds() -> int:
    return max(1, settings.NEWSROOM_PAGE_STALE_SECONDS)


def is_fresh(copy: dict, now: float) -> bool:
    """Within its lifetime, and every tag at the version it was rendered with."""
    return now < copy["fresh_until"] and current_versions(copy["tags"]) == copy["tags"]


def stale_since(copy: dict, versions: dict[str, str], now: float) -> float | None:
    """Since when ``copy`` is stale (None: unknown, or not stale at all)."""
    moments = [copy["fresh_until"]] if now >= copy["fresh_until"] else []
    for tag, version in copy["tags"].items():
        current = versions.get(tag)
        if current is None:
            return None  # the version was lost: when it changed is unknown
        if current != version:
            moments.append(version_time(current))
    if None in moments or not moments:
        return None
    return min(moments)


class _Page:
    """One request for a public page."""

    def __init__(self, view, request: HttpRequest, args, kwargs, tags) -> None:
        self.view, self.request, self.args, self.kwargs = view, request, args, kwargs
        self.tags = (SITE, *tags)
        self.key = page_key(request)
        self.lock_key, self.pass_key = f"lock:{self.key}", f"pass:{self.key}"
        self.token = secrets.token_hex(8)  # pragma: no mutate

    def serve(self) -> HttpResponse:
        if not settings.NEWSROOM_PAGE_CACHE_SECONDS:
            # The page cache is turned off, not the lists and fragments the
            # page is assembled from: what went live since must renew them.
            with suppress(*CACHE_ERRORS):
                schedule.catch_up(cache.get_many(list(schedule.KEYS)), time.time())
            return self.unstored()
        try:
            outcome, copy = self._look()
        except CACHE_ERRORS:
            return self.uncached()
        if outcome == "wait":
            outcome, copy = self._wait()
        if copy is not None:
            return respond(self.request, copy, outcome, self.ages)
        # "lock": this request holds the page's lock; "render": another does.
        return self.render(holder={"lock": True, "render": False}[outcome])

    def _look(self) -> tuple[str, dict | None]:
        """What to do: send the copy ("hit", "stale"), render ("lock", "render") or "wait"."""
        self.started = now = time.time()
        found = cache.get_many([self.key, self.pass_key, *schedule.KEYS])
        self.ages = _ages(schedule.catch_up(found, now), now)
        copy = found.get(self.key)
        if copy is not None:
            versions = current_versions(copy["tags"])
            if now < copy["fresh_until"] and versions == copy["tags"]:
                return "hit", copy
        elif self.pass_key in found:
            return "render", None  # not kept lately: there is nothing to wait for
        if cache.add(self.lock_key, self.token, lock_seconds()):
            # The request that held the lock may have stored the page since
            # it was read here: then there is nothing left to render.
            newer = cache.get(self.key)
            if newer is not None and is_fresh(newer, now):
                self._release()
                return "hit", newer
            return "lock", None
        if copy is not None:
            since = stale_since(copy, versions, now)
            if (
                since is not None
                and now - since <= settings.NEWSROOM_PAGE_STALE_SECONDS
            ):
                return "stale", copy
        return "wait", None

    def _wait(self) -> tuple[str, dict | None]:
        """Wait for the request holding the lock to store the page, or to give up."""
        deadline = time.monotonic() + lock_seconds()
        with suppress(*CACHE_ERRORS):
            while time.monotonic() < deadline:  # pragma: no mutate
                time.sleep(POLL_SECONDS)
                found = cache.get_many([self.key, self.lock_key, self.pass_key])
                copy = found.get(self.key)
                # Stored since this request began: as new as a render of its own.
                if copy is not None and copy["stored_at"] >= self.started:
                    return "hit", copy
                if self.pass_key in found:
                    break
                if self.lock_key not in found and cache.add(
                    self.lock_key, self.token, lock_seconds()
                ):
                    return "lock", None
        return "render", None

    def render(self, *, holder: bool) -> HttpResponse:
        try:
            return self._render(holder)
        except Exception:
            if holder:
                self._forget()  # an error page, or a 404 now: the copy is gone
            raise
        finally:
            if holder:
                self._release()

    def _render(self, holder: bool) -> HttpResponse:
        request = self.request
        request.cache_tags = {}
        try:
            before = changes_version()
        except CACHE_ERRORS:
            before = None
        depends_on(request, *self.tags)
        response = self.view(request, *self.args, **self.kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # TemplateResponse
        if not _is_storable(request, response) or before is None:
            if holder:
                self._forget()
            patch_cache_control(response, private=True, no_cache=True)
            return response
        now = time.time()
        try:
            unchanged = changes_version() == before
        except CACHE_ERRORS:
            unchanged = False  # pragma: no mutate
        # A change committed while this page rendered may be missing from it,
        # though its tags were read afterwards: stored, but already stale.
        lifetime = settings.NEWSROOM_PAGE_CACHE_SECONDS if unchanged else 0
        copy = make_copy(response, request.cache_tags, now, lifetime)
        with suppress(*CACHE_ERRORS):
            cache.set(self.key, copy, lifetime_with_grace())
        return respond(request, copy, "miss", self.ages)

    def _forget(self) -> None:
        """The page is not kept now: its old copy must not be served again."""
        with suppress(*CACHE_ERRORS):
            cache.delete(self.key)
            cache.set(
                self.pass_key,
                1,  # pragma: no mutate
                lock_seconds(),
            )

    def _release(self) -> None:
        with suppress(*CACHE_ERRORS):
            if cache.get(self.lock_key) == self.token:
                cache.delete(self.lock_key)

    def uncached(self) -> HttpResponse:
        logger.warning("Cache unreachable; serving %s uncached", self.request.path)
        return self.unstored()

    def unstored(self) -> HttpResponse:
        """Render from the database, keep no copy, and ask others not to keep one."""
        response = self.view(self.request, *self.args, **self.kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        return response


def fresh_copy_response(request: HttpRequest) -> HttpResponse | None:
    """The fresh stored copy of the page at this very address, or None.

    Asked before the view is looked up (``PublicPageMiddleware``): most
    readers ask for a page whose copy is fresh, and sessions, CSRF checks,
    authentication and URL resolution add nothing to a copy every reader
    shares. Anything else (no copy, a stale one, a query the page would tidy
    away, a method other than GET and HEAD, a cache that cannot be reached)
    answers None, and the request goes the usual way.
    """
    if (
        request.method not in ("GET", "HEAD")
        or not settings.NEWSROOM_PAGE_CACHE_SECONDS
    ):
        return None
    key = page_key(request)
    now = time.time()
    try:
        found = cache.get_many([key, CHANGES_KEY, *schedule.KEYS])
        copy = found.get(key)
        if copy is None or now >= copy["fresh_until"]:
            return None
        # Asking the timetables may renew tags: CHANGES as read is then old.
        settled = schedule.is_settled(found, now)
        upcoming = schedule.catch_up(found, now)
        if not still_current(copy["tags"], found.get(CHANGES_KEY) if settled else None):
            return None
    except CACHE_ERRORS:
        return None
    return respond(request, copy, "hit", _ages(upcoming, now))


def lifetime_with_grace() -> int:
    """How long a copy stays in the cache: its lifetime, then reachable while stale."""
    return settings.NEWSROOM_PAGE_CACHE_SECONDS + lock_seconds()


def _ages(upcoming: float | None, now: float) -> tuple[int, int]:
    """max-age for browsers and s-maxage for proxies, never past the next publication."""
    browser = settings.NEWSROOM_BROWSER_CACHE_SECONDS
    shared = settings.NEWSROOM_SHARED_CACHE_SECONDS
    if upcoming is not None:
        remaining = max(1, int(upcoming - now))
        browser, shared = min(browser, remaining), min(shared, remaining)
    return browser, shared


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
