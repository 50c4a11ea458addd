"""Cache tags and their versions: what a page shows, and whether that changed.

A tag names something pages show (``article:12``, ``front``); its version is a
random token stamped with the time it was made, kept in the shared cache. A
page records the versions of its tags while it renders (``depends_on``); a
change gives each tag it touches a new version (``invalidate``). A version
that is missing (evicted, or never made) is made afresh: pages stored with
the old one are then rendered again (a process that remembers the old one
may still serve them until ``CHANGES`` moves: a lost version is not a change,
and every change moves ``CHANGES``).

Every renewal also renews ``CHANGES``, first and in the same write, and
once more when the tags are written. A page compares it before and after
rendering: if it moved, a change may have committed between reading the data
and reading a tag, and the copy is stored as already stale (see
``pages.py``). A process remembers the versions it read together with the
value ``CHANGES`` had then: while it keeps that value, no renewal has ended
since, so a stored copy is checked with one key read instead of one per tag
(``still_current``).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from redis.exceptions import RedisError

# One logger for the whole package: manage.py reports a cache outage under it once.
logger = logging.getLogger("newsroom.caching")

# What a shared cache raises when it cannot be reached. Pages then render
# straight from the database: slower, never broken.
CACHE_ERRORS = (OSError, RedisError)

# The tag of what every page shows: the category menu and the masthead.
SITE = "site"
# Renewed with every change (no page shows it; the star keeps it apart).
CHANGES = "*changes"
CHANGES_KEY = f"version:{CHANGES}"
# Versions expire after a quiet day, like every entry; a new one then starts.
VERSION_SECONDS = 60 * 60 * 24


def version_key(tag: str) -> str:
    return f"version:{tag}"


def new_version() -> str:
    return f"{time.time():.3f}-{secrets.token_hex(6)}"


def version_time(version: object) -> float | None:
    """When ``version`` was made, or None for a value that is not a version."""
    try:
        return float(str(version).partition("-")[0])
    except ValueError:
        return None


def read_versions(tags: Iterable[str]) -> dict[str, str] | None:
    """The current version of each tag, made where missing; None if one cannot be kept."""
    keys = {version_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, new_version(), VERSION_SECONDS)
    if missing:
        found.update(cache.get_many(missing))
    if len(found) < len(keys):  # evicted at once: freshness cannot be promised
        return None
    return {keys[key]: version for key, version in found.items()}


# What this process read last: CHANGES's value, and the tag versions read
# under it (at most _SEEN_AT_MOST of them, then it starts afresh).
_seen: tuple[object, dict[str, str]] = (None, {})
_SEEN_AT_MOST = 10_000


def still_current(versions: dict[str, str], changes: object) -> bool:
    """Whether every tag is still at the version in ``versions``.

    ``changes`` is the value of ``CHANGES_KEY`` just read (None: not read).
    While it is the value under which this process last read these tags, no
    renewal has ended since, and the tags are not read again; otherwise they
    are (``current_versions``).
    """
    seen_changes, seen = _seen
    if (
        changes is not None
        and changes == seen_changes
        and all(seen.get(tag) == version for tag, version in versions.items())
    ):
        return True
    return current_versions(versions) == versions


def current_versions(tags: Iterable[str]) -> dict[str, str]:
    """The versions of ``tags`` as they are now (missing ones left out), remembered."""
    global _seen
    keys = {version_key(tag): tag for tag in tags}
    # CHANGES first: a renewal that ends after it was read changes it again.
    found = cache.get_many([CHANGES_KEY, *keys])
    changes = found.pop(CHANGES_KEY, None)
    current = {keys[key]: value for key, value in found.items()}
    if changes is not None:
        seen_changes, seen = _seen
        if changes != seen_changes or len(seen) >= _SEEN_AT_MOST:
            _seen = (changes, dict(current))
        else:
            seen.update(current)
    return current


def depends_on(request: HttpRequest, *tags: str) -> None:
    """Record that the page being rendered shows what ``tags`` name.

    Call it as soon as the page knows what it shows. A change that commits
    while the page renders leaves the stored copy stale, wherever this call
    stands (the page compares ``CHANGES`` before and after).
    """
    known = getattr(request, "cache_tags", None)
    if known is None:
        return  # not a cached page (preview, admin): nothing to record
    wanted = [tag for tag in tags if tag not in known]
    if not wanted:
        return
    try:
        versions = read_versions(wanted)
    except CACHE_ERRORS:
        versions = None
    if versions is None:
        request.cache_tags = None  # cannot promise freshness: do not store
    else:
        known.update(versions)


def site_version(request: HttpRequest | None = None) -> str | None:
    """The version of ``SITE``: parts of every page cached with it (the menu) follow it."""
    known = getattr(request, "cache_tags", None)
    if known and SITE in known:
        return known[SITE]
    versions = read_versions([SITE])
    return versions[SITE] if versions else None


def changes_version() -> str | None:
    """The version of ``CHANGES``, made if missing; None if it cannot be kept."""
    versions = read_versions([CHANGES])
    return versions[CHANGES] if versions else None


def invalidate(*tags: str) -> None:
    """Make every cached page that depends on ``tags`` stale once this transaction commits."""
    transaction.on_commit(lambda: invalidate_now(tags), robust=True)


def invalidate_now(tags: Iterable[str]) -> None:
    """Give ``tags`` new versions at once (outside a transaction, or after its commit)."""
    tags = sorted(set(tags))
    if not tags:
        return
    # CHANGES first: a page that sees a new tag version sees it too.
    data = {CHANGES_KEY: new_version()}
    data.update({version_key(tag): new_version() for tag in tags})
    try:
        cache.set_many(data, VERSION_SECONDS)
        # And CHANGES once more, now that the tags are written: a process
        # that remembers versions read under an earlier value reads them again.
        cache.set(CHANGES_KEY, new_version(), VERSION_SECONDS)
    except CACHE_ERRORS as error:
        # The change is saved; pages showing it expire on their TTL.
        logger.error(
            "Could not invalidate cached pages for %s: %r", ", ".join(tags), error
        )
