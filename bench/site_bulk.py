"""Helpers for writing a benchmark's data in bulk: a progress line, chosen dates."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """One line per step: rewritten in place on a terminal, every 10 % otherwise."""

    def __init__(self, label: str, total: int, stream: TextIO | None) -> None:
        self.label, self.total, self.stream = label, max(total, 1), stream
        self.done = 0
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.shown_tenth = -1
        self.live = bool(stream) and stream.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        if not self.stream:
            return
        now = time.monotonic()
        tenth = self.done * 10 // self.total
        if self.live and (now - self.shown_at > 0.2 or self.done >= self.total):
            self.shown_at = now
            self.stream.write("\r" + self._line(now))
            self.stream.flush()
        elif not self.live and tenth > self.shown_tenth:
            self.shown_tenth = tenth
            self.stream.write(self._line(now) + "\n")
            self.stream.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.stream and self.live:
            self.stream.write("\r" + self._line(time.monotonic()) + "\n")
            self.stream.flush()
        return elapsed

    def _line(self, now: float) -> str:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0
        return (
            f"  {self.label:<14} {self.done:>11,} / {self.total:<11,}"
            f" {100 * self.done // self.total:>3} %  {elapsed:6.0f} s  ({rate:,.0f}/s)"
        )


@contextmanager
def dates_as_given(*fields):
    """Let bulk inserts keep the creation and change times the fill chose.

    ``auto_now``/``auto_now_add`` would stamp every row with the moment of the
    insert; an archive needs its own dates. Only the fill's own process is
    affected, and only while it writes.
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
