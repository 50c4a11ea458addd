"""Who has an article's change form open, kept in the shared cache.

Each open change form sends a heartbeat every ``HEARTBEAT_SECONDS``
(``static/js/desk-presence.js``), and the form itself counts as one when it
is opened. A heartbeat keeps one cache entry per article and person, which
lapses ``GONE_AFTER_SECONDS`` after the last one (a browser slows the timers
of a tab in the background, so this allows for a few missed beats); leaving
the page removes it at once. A short roster per article names whose entries
to read. Two heartbeats at the same moment may each write the roster without
the other's name: the next heartbeat puts it back, so nobody is missing for
longer than one interval.

Nothing here is kept in the database: if the cache is cleared, people show
up again with their next heartbeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.timesince import timesince

HEARTBEAT_SECONDS = 20
GONE_AFTER_SECONDS = 90
# A roster longer than this is a fault, not a newsroom: it is cut.
_MOST_PEOPLE = 50


def _roster_key(article_id: int) -> str:
    return f"desk-presence:{article_id}"


def _entry_key(article_id: int, user_id: int) -> str:
    return f"desk-presence:{article_id}:{user_id}"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Presence:
    """Someone with the article's change form open."""

    user_id: int
    name: str
    opened_at: datetime
    seen_at: datetime
    is_editing: bool

    def describe(self, now: datetime | None = None) -> str:
        """“Alex Chen is also editing this article (opened 3 minutes ago).”"""
        now = now or timezone.now()
        if (now - self.opened_at).total_seconds() < 60:
            opened = "opened just now"
        else:
            opened = f"opened {timesince(self.opened_at, now, depth=1)} ago"
        doing = "editing" if self.is_editing else "viewing"
        return f"{self.name} is also {doing} this article ({opened})."


def _moment(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


def heartbeat(
    article_id: int, user, *, is_editing: bool, now: datetime | None = None
) -> None:
    """``user`` has the article's change form open now."""
    now = now or timezone.now()
    key = _entry_key(article_id, user.pk)
    entry = cache.get(key)
    opened = entry["opened"] if entry else now.timestamp()
    cache.set(
        key,
        {
            "name": _name(user),
            "opened": opened,
            "seen": now.timestamp(),
            "editing": is_editing,
        },
        GONE_AFTER_SECONDS,
    )
    # The entry is written first: whoever tidies the roster next sees it.
    roster = [pk for pk in cache.get(_roster_key(article_id)) or [] if pk != user.pk]
    alive = cache.get_many([_entry_key(article_id, pk) for pk in roster])
    roster = [pk for pk in roster if _entry_key(article_id, pk) in alive]
    cache.set(
        _roster_key(article_id),
        [user.pk, *roster][:_MOST_PEOPLE],
        GONE_AFTER_SECONDS * 2,
    )


def leave(article_id: int, user) -> None:
    """``user`` closed the change form (or went to another page)."""
    cache.delete(_entry_key(article_id, user.pk))


def others(article_id: int, user, now: datetime | None = None) -> list[Presence]:
    """Everyone but ``user`` with the change form open, who opened it first first."""
    now = now or timezone.now()
    roster = [pk for pk in cache.get(_roster_key(article_id)) or [] if pk != user.pk]
    if not roster:
        return []
    entries = cache.get_many([_entry_key(article_id, pk) for pk in roster])
    found = []
    for pk in roster:
        entry = entries.get(_entry_key(article_id, pk))
        # The cache's own expiry may be coarse (whole seconds, or lazy).
        if not entry or now.timestamp() - entry["seen"] > GONE_AFTER_SECONDS:
            continue
        found.append(
            Presence(
                user_id=pk,
                name=entry["name"],
                opened_at=_moment(entry["opened"]),
                seen_at=_moment(entry["seen"]),
                is_editing=entry["editing"],
            )
        )
    return sorted(found, key=lambda presence: (presence.opened_at, presence.user_id))
