"""Scheduled publication: content that goes live at a set time, without a save.

Apps register a *timetable*: given a window of time, it lists what went live
in it without being saved since (so no save invalidated its pages), and when
the next thing goes live. The cache keeps the answer, with the version of the
``schedule`` tag it was computed under; a save that may move a publication
time renews that tag (``schedule_changed``), so the answer is asked again.

The first request after the next publication time asks again: it renews the
tags of what went live, and only those pages are rendered afresh. Each item
is handled once (a marker remembers it). The window reaches back to the last
look, and at least as far as any stored copy can still be served, so an
answer lost from the cache (evicted, expired) loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from .versions import SITE, invalidate, invalidate_now, read_versions, version_key

SCHEDULE = "schedule"
STATE_KEY = "schedule:state"
LOCK_KEY = "schedule:lock"
# What a request reads, in the same round trip as the page.
KEYS = (STATE_KEY, version_key(SCHEDULE))
# A request that dies while asking frees the way after this long.
LOCK_SECONDS = 10
# Clocks of app servers differ a little: look back this much further.
CLOCK_MARGIN_SECONDS = 60
# With the page cache turned off, what depends on the clock is still kept
# this long: the lists and the stories around an article.
TIMELY_SECONDS_WITHOUT_PAGES = 300


class Timetable(NamedTuple):
    """What went live without a save in a window of time, and what comes next."""

    went_live: list[str]  # keys that name each item and its publication time
    upcoming: datetime | None
    # False when more went live than could be listed: ``went_live`` then
    # names the whole set once, and every page is renewed.
    complete: bool = True


TimetableSource = Callable[[datetime, datetime], Timetable]
TagsSource = Callable[[list[str]], Iterable[str]]
_sources: list[tuple[TimetableSource, TagsSource]] = []


def register_schedule(timetable: TimetableSource, tags_for: TagsSource) -> None:
    """Keep pages fresh when content goes live on its own.

    ``timetable(since, now)`` answers for the window; ``tags_for(keys)`` names
    the cache tags of the items that went live.
    """
    if (timetable, tags_for) not in _sources:
        _sources.append((timetable, tags_for))


def schedule_changed() -> None:
    """A publication time may have moved: ask the timetables again after this commit."""
    invalidate(SCHEDULE)


def timely_seconds() -> int:
    """How long what depends on the clock is kept: a page, a list, the stories around one.

    As long as a cached page; with the page cache off, the lists and stories
    around an article are kept all the same (the page only assembles them),
    and the requests still look at the timetable (``catch_up``).
    """
    return settings.NEWSROOM_PAGE_CACHE_SECONDS or TIMELY_SECONDS_WITHOUT_PAGES


def window_seconds() -> int:
    """How far back a stored copy may still be served from."""
    return (
        timely_seconds() + settings.NEWSROOM_PAGE_STALE_SECONDS + CLOCK_MARGIN_SECONDS
    )


def _is_current(state: dict | None, token: str | None, now: float) -> bool:
    return (
        state is not None
        and token is not None
        and state["token"] == token
        and now < state["until"]
        and (state["next"] is None or now < state["next"])
    )


def is_settled(found: dict, now: float) -> bool:
    """Whether ``found`` (what a request read of ``KEYS``) leaves nothing to ask now."""
    return _is_current(found.get(STATE_KEY), found.get(version_key(SCHEDULE)), now)


def catch_up(found: dict, now: float) -> float | None:
    """Handle what went live since the last look; when the next item goes live.

    ``found`` holds what the request read of ``KEYS``. One request at a time
    asks the timetables; the others carry on with what is known.
    """
    state, token = found.get(STATE_KEY), found.get(version_key(SCHEDULE))
    if _is_current(state, token, now):
        return state["next"]
    if not cache.add(
        LOCK_KEY,
        1,  # pragma: no mutate
        LOCK_SECONDS,
    ):
        return state["next"] if state else None
    try:
        if token is None:
            token = (read_versions([SCHEDULE]) or {}).get(SCHEDULE)
        # Back to the last look, or as far as a stored copy may be served.
        since = now - window_seconds()
        if state is not None and "asked" in state:
            since = min(since, state["asked"] - CLOCK_MARGIN_SECONDS)
        upcoming = _ask(since, now)
        if token is not None:
            lifetime = timely_seconds()
            state = {
                "token": token,
                "next": upcoming,
                "until": now + lifetime,
                "asked": now,
            }
            cache.set(STATE_KEY, state, lifetime)
        return upcoming
    finally:
        cache.delete(LOCK_KEY)


def _ask(since: float, now: float) -> float | None:
    window = now - since
    moment = datetime.fromtimestamp(now, UTC)
    upcoming = []
    for timetable, tags_for in _sources:
        table = timetable(datetime.fromtimestamp(since, UTC), moment)
        if table.upcoming is not None:
            upcoming.append(table.upcoming.timestamp())
        markers = {f"went-live:{key}": key for key in table.went_live}
        if not markers:
            continue
        handled = cache.get_many(list(markers))
        new = [key for marker, key in markers.items() if marker not in handled]
        if new:
            invalidate_now(tags_for(new) if table.complete else [SITE])
            cache.set_many({f"went-live:{key}": 1 for key in new}, window)
    return min(upcoming, default=None)
