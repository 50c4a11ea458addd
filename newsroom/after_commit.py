"""Work that follows a write once its transaction commits, and only then.

Some consequences of saving a row are slow or touch something outside the
database (image renditions on disk, the full-text index, derived text): they
must not run for a write that is rolled back, and they need not run five
times when one transaction saves an article and four of its parts. Each step
is named by a key; ``once_after_commit`` runs it after the commit, and only
once for all the requests made on the same connection before it ran.

What ran is kept per thread, as Django keeps connections: two editors' saves
that overlap on two connections each run the step after their own commit, so
the second is never skipped because the first ran before the second's rows
were visible.

Outside a transaction (autocommit) Django runs the step at once. A step that
fails is logged (``django.db.backends.base``) and does not undo or hide the
write it follows: the editor's save was kept, and ``rebuild_search_index`` or
the next save repairs what the step would have done.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable

from django.db import DEFAULT_DB_ALIAS, transaction

_moments = itertools.count()
# Per thread, as Django's connections (and so their transactions) are.
_local = threading.local()


def once_after_commit(
    key: Hashable, step: Callable[[], object], *, using: str | None = None
) -> None:
    """Run ``step`` after the current transaction commits, unless ``key`` ran since."""
    asked_at = next(_moments)
    done_at_key = (using or DEFAULT_DB_ALIAS, key)

    def run() -> None:
        done_at = _local.__dict__.setdefault("done_at", {})
        if done_at.get(done_at_key, -1) > asked_at:
            return  # already done after this request was made, on this connection
        done_at[done_at_key] = next(_moments)
        step()

    transaction.on_commit(run, using=using, robust=True)
