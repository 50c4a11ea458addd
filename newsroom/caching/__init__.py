"""Whole-page caching for anonymous readers, with exact invalidation.

A public page is stored under its address, together with the *cache tags* of
what it shows and the version each tag had while it was rendered: an article
page depends on ``article:12``, ``category:3`` and its tags' ``tag:7``; the
front page on ``front``; every page on ``site`` (the menu, the masthead). A
change renews the versions of the tags it touches once its transaction
commits (``invalidate``); a stored copy whose versions no longer match is
stale, and only the pages that show the change are rendered again.

A stale copy stays reachable. When a popular page changes or expires, one
request takes a short lock in the shared cache and renders it; the others are
served the previous copy meanwhile, and only within
NEWSROOM_PAGE_STALE_SECONDS of the change, or wait for the new one. A lock
whose holder died expires by itself.

Everything lives in the shared cache (Redis, or files shared by the
processes of one machine), so every app process sees a change at once. A
scheduled article needs no save: the cache remembers when the next one goes
live, and the first request after that moment renews the tags of what went
live (``schedule``).

Stored copies keep their body compressed (gzip, and brotli when installed),
an ETag and a Last-Modified time, so a hit costs neither compression nor a
render, and a conditional request is answered with 304 from the copy.
"""

from .pages import public_page
from .schedule import Timetable, register_schedule, schedule_changed, timely_seconds
from .versions import (
    CACHE_ERRORS,
    SITE,
    VERSION_SECONDS,
    depends_on,
    invalidate,
    invalidate_now,
    read_versions,
    site_version,
)

__all__ = [
    "CACHE_ERRORS",
    "SITE",
    "VERSION_SECONDS",
    "Timetable",
    "depends_on",
    "invalidate",
    "invalidate_now",
    "public_page",
    "read_versions",
    "register_schedule",
    "schedule_changed",
    "site_version",
    "timely_seconds",
]
