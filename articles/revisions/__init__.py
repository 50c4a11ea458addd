"""Versions of an article: what one holds, how two differ, how one is put back.

An article's *state* is the article, its tags and its parts (``PARTS``:
bylines, sections, tables, pictures, FAQ items, corrections) as plain JSON,
each value in the form Django's serializers give it, the same form
django-reversion keeps revisions in::

    {"article": {"title": …, "category": 3, …},
     "tags": ["Budget", "Council"],
     "parts": {"sections": [{"pk": 12, "fields": {"heading": …}}, …], …}}

Only what an editor can change is kept: derived text (``body_html``, the
excerpt, the search vector), timestamps and who started the article are
recomputed or left alone. States come from the database (``state_of``),
from a revision (``state_of_version``) or from a pending edit. A part that
exists only in a pending edit has a negative number, which no stored row
ever has.

``apply_state`` writes a state with the models' own ``save()`` and
``delete()``, so derived text, anchors, redirects of a moved article, the
search index and the page cache follow as after any save at the desk.
``pending_world`` applies a pending edit inside a transaction that is always
rolled back: the desk's change form and the staff preview show the pending
version while readers, the search index and the page cache see the live one.
``diff_states`` says what differs between two states, for the desk's pages
and for the history.
"""

from .diff import FieldChange, PartChange, StateDiff, diff_states
from .states import (
    PARTS,
    apply_state,
    number_new_parts,
    part_numbers,
    pending_world,
    publish_pending,
    register,
    state_of,
    state_of_version,
    with_publication_of,
)

register()

__all__ = [
    "PARTS",
    "FieldChange",
    "PartChange",
    "StateDiff",
    "apply_state",
    "diff_states",
    "number_new_parts",
    "part_numbers",
    "pending_world",
    "publish_pending",
    "state_of",
    "state_of_version",
    "with_publication_of",
]
