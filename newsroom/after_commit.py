"""Work that follows a write once its transaction commits, and only then.

Some consequences of saving a row are slow or touch something outside the
database (image renditions on disk, the full-text index, derived text): they
must not run for a write that is rolled back, and they need not run five
times when one transaction saves an article and four of its parts. Each step
is named by a key; ``once_after_commit`` runs it after the commit, and only
once for all the requests made before it ran.

Outside a transaction (autocommit) Django runs the step at once. A step that
fails is logged (``django.db.backends.base``) and does not undo or hide the
write it follows: the editor's save was kept, and ``rebuild_search_index`` or
the next save repairs what the step would have done.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable

from django.db import transaction

_moments = itertools.count()
_done_at: dict[Hashable, int] = {}


def once_after_commit(
    key: Hashable, step: Callable[[], object], *, using: str | None = None
) -> None:
    """Run ``step`` after the current transaction commits, unless ``key`` ran since."""
    asked_at = next(_moments)

    def run() -> None:
        if _done_at.get(key, -1) > asked_at:
            return  # already done after this request was made
        _done_at[key] = next(_moments)
        step()

    transaction.on_commit(run, using=using, robust=True)
