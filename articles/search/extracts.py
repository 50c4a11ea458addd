"""The highlighted extract under each search result: plain Python, no database.

A backend returns each article's standfirst and body extract with the
searched words between two private-use markers (MARK_START, MARK_END). Here
the markers become <mark> elements once the text is escaped, so nothing
stored in an article is ever trusted as HTML; and, for SQLite, the best
window of a marked text is chosen (``best_extract``), as FTS5's snippet()
would choose it.

Titles are short, so they are marked here in Python, without a database
query (``mark_title``): the words searched for and their other forms, found
with the same stemmer as the database's index (each backend names it), and
a phrase only where its words stand together, as SQLite marks extracts.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from itertools import islice

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import ParsedQuery, word_spans

MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
ELLIPSIS = "…"

# Extracts are made from at most the first EXTRACT_BODY_CHARS characters of
# a body, on either database (about 3,000 words; a match further on shows
# the standfirst instead). Marking the words of a text costs more than the
# text is long, so without a bound one long, repetitive article could hold
# up a results page for minutes (figures in bench/README.md, "Search").
EXTRACT_BODY_CHARS = 20_000
# An extract is about as long as PostgreSQL's (SNIPPET_WORDS words of news
# prose, in backends/postgres.py), and is chosen from the first
# EXTRACT_MARKS marks of a text.
SNIPPET_CHARS = 180
EXTRACT_MARKS = 100


def highlight(raw: str) -> SafeString:
    """Escape database output, then turn the highlight markers into <mark> elements."""
    html = _MARKED.sub(r"<mark>\1</mark>", str(escape(" ".join(raw.split()))))
    return mark_safe(html.replace(MARK_START, "").replace(MARK_END, ""))


def has_highlight(raw: str | None) -> bool:
    return bool(raw) and MARK_START in raw


def strip_marks(text: str) -> str:
    """``text`` without the highlight markers: stored text can never fake a highlight."""
    return text.replace(MARK_START, "").replace(MARK_END, "")


def head(text: str, limit: int) -> tuple[str, bool]:
    """The first ``limit`` characters without highlight markers, and whether there are more."""
    return strip_marks(text)[:limit], len(text) > limit


def snippet(summary: str, standfirst_extract: str, body_extract: str) -> SafeString:
    """What a result shows: the body extract where the words were found, else the
    standfirst's, else the article's summary (or the opening of its body)."""
    if has_highlight(body_extract):
        return highlight(body_extract)
    if has_highlight(standfirst_extract):
        return highlight(standfirst_extract)
    return highlight(strip_marks(summary) or body_extract or "")


# Where a long text is best cut, searched from its end (so written backwards):
# after a line, after a sentence, after a word, after any other character.
_SENTENCE_END_BACKWARDS = re.compile(r"\s[\"'”’)\]]*[.!?…]")
_BREAKS_BACKWARDS = [
    re.compile(r"\n"),
    _SENTENCE_END_BACKWARDS,
    re.compile(r"\s"),
    re.compile(r"\W"),
]
_SPACE = re.compile(r"\s")


def _last_break(text: str) -> int:
    """How much of ``text`` comes before its best place to cut; 0 if it has none."""
    backwards = text[::-1]
    for pattern in _BREAKS_BACKWARDS:
        found = pattern.search(backwards)
        if found:
            return len(text) - found.start()
    return 0


def split_text(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters that join up to it again.

    A piece ends after a line, a sentence or a word in its second half where
    there is one, so that a phrase is rarely cut in two.
    """
    pieces, start = [], 0
    while len(text) - start > size:
        half = start + size // 2
        end = half + _last_break(text[half : start + size])
        if end == half:
            end = start + size
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


_Mark = tuple[int, int, str]  # where a mark starts and ends in the text, its word


def _is_inside_mark(text: str, position: int) -> bool:
    return text.rfind(MARK_START, 0, position) > text.rfind(MARK_END, 0, position)


def _words_within(marks: list[_Mark], i: int, end: int) -> tuple[int, int]:
    """From ``marks[i]`` on, the marks that end by ``end``: how many, and how many words."""
    k = i
    while k < len(marks) and marks[k][1] <= end:
        k += 1
    return k - i, len({word for _start, _end, word in marks[i:k]})


def _best_marks(marks: list[_Mark]) -> tuple[int, int]:
    """The first mark of the best window, and how many marks it holds.

    As FTS5's snippet() scores a window: each different word 1,000, each
    repeat 1; the earlier window wins a tie.
    """
    best = (0, 0, 0)  # score, first mark, marks
    window: dict[str, int] = {}  # how often each word is marked in marks[i:k]
    k = 0
    for i, (start, _end, word) in enumerate(marks):
        while k < len(marks) and (k == i or marks[k][1] <= start + SNIPPET_CHARS):
            window[marks[k][2]] = window.get(marks[k][2], 0) + 1
            k += 1
        score = 1000 * len(window) + (k - i) - len(window)
        if score > best[0]:
            best = (score, i, k - i)
        window[word] -= 1
        if not window[word]:
            del window[word]
    return best[1], best[2]


def _sentence_start(text: str, first: int) -> int | None:
    """Where the sentence holding ``first`` begins, if close enough to show both."""
    earliest = max(0, first - SNIPPET_CHARS)
    before = text[earliest:first]
    starts = [earliest + before.rfind("\n") + 1] if "\n" in before else []
    found = _SENTENCE_END_BACKWARDS.search(before[::-1])
    if found:
        starts.append(first - found.start())
    if not starts:
        return 0 if earliest == 0 else None
    start = max(starts)
    while start < first and text[start].isspace():
        start += 1
    return None if _is_inside_mark(text, start) else start


def _centred_start(text: str, first: int, last: int) -> int:
    """Where a window centred on ``text[first:last]`` begins, at a whole word if it can."""
    start = max(0, first - max(0, SNIPPET_CHARS - (last - first)) // 2)
    start = max(0, min(start, len(text) - SNIPPET_CHARS))
    if _is_inside_mark(text, start):
        start = text.find(MARK_END, start) + 1
    space = _SPACE.search(text, start, first)
    if start > 0 and not text[start - 1].isspace() and space:
        start = space.end()
    return start


def _window_end(text: str, start: int, last: int) -> int:
    """Where a window from ``start`` that shows ``text[:last]`` ends: after a word, not in a mark."""
    end = max(last, start + SNIPPET_CHARS)
    if end >= len(text):
        return len(text)
    space = _SPACE.search(text[last : end + 1][::-1])
    if space:
        end -= space.start()
    if _is_inside_mark(text, end):
        end = text.rfind(MARK_START, 0, end)
    return end


def best_extract(marked: str, is_cut: bool = False) -> str:
    """About SNIPPET_CHARS characters of ``marked``, where the most different words are marked.

    Like FTS5's snippet(), the window starts at the beginning of a sentence if
    that shows as many of the words, otherwise it is centred on the matches;
    without marks, it is the opening. Ellipses show where the text goes on.
    Only the first EXTRACT_MARKS marks are considered.
    """
    marks = [
        (found.start(), found.end(), found.group(1).casefold())
        for found in islice(_MARKED.finditer(marked), EXTRACT_MARKS)
    ]
    start = last = 0
    if marks:
        i, count = _best_marks(marks)
        words = len({word for _start, _end, word in marks[i : i + count]})
        first, last = marks[i][0], marks[i + count - 1][1]
        start = _centred_start(marked, first, last)
        sentence = _sentence_start(marked, first)
        if sentence is not None:
            shown, shown_words = _words_within(marks, i, sentence + SNIPPET_CHARS)
            if shown and shown_words == words:
                start, last = sentence, marks[i + shown - 1][1]
    end = _window_end(marked, start, last)
    before = ELLIPSIS if marked[:start].strip() else ""
    after = ELLIPSIS if is_cut or marked[end:].strip() else ""
    return f"{before}{marked[start:end].strip()}{after}"


# -- titles -------------------------------------------------------------------


# The stemmers of the two indexes, from the Snowball project: SQLite's FTS5
# "porter" tokenizer uses Porter's original algorithm, PostgreSQL's "english"
# configuration the Snowball English stemmer (Porter's later revision).
TITLE_STEMMERS = ("porter", "english")
# A stemmer keeps state while it works: one per thread (gunicorn's threads).
_stemmers = threading.local()


def _stem(word: str, algorithm: str) -> str:
    stemmer = getattr(_stemmers, algorithm, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(algorithm)
        setattr(_stemmers, algorithm, stemmer)
    return stemmer.stemWord(word)


# Titles share most of their words: each word is worked out once per process
# (stemming in Python was a tenth of a search page).
@functools.lru_cache(maxsize=50_000)
def index_form(word: str, stemming: str = "porter") -> str:
    """``word`` as the index holds it: lower-case and stemmed.

    With ``"porter"`` (SQLite) accents on Latin letters go first, as the
    index's ``remove_diacritics`` does ("café" is "cafe"), and words of under
    3 or over 64 bytes are kept as they are, as SQLite keeps them. Two kinds
    of word stem differently in SQLite, which reads a word byte by byte:
    words with letters that have no ASCII form ("große"), and words that are
    nothing but a suffix ("sses"); such a title word can miss its mark. With
    ``"english"`` (PostgreSQL) the word is stemmed as it is.
    """
    word = word.lower()
    if stemming != "porter":
        return _stem(word, stemming)
    kept = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.combining(char) and kept and kept[-1] < "\u0250":
            continue  # an accent on a Latin letter
        kept.append(char)
    word = unicodedata.normalize("NFC", "".join(kept))
    if not 3 <= len(word.encode()) <= 64:
        return word  # SQLite keeps these as they are
    return _stem(word, "porter")


def mark_title(title: str, query: ParsedQuery, stemming: str = "porter") -> SafeString:
    """``title`` escaped, with the words and phrases searched for marked as in extracts.

    Each word the query searches for is marked in any form the stemmer
    gives the same stem; a phrase only where its words stand together and in
    order. Excluded words are never marked.
    """
    title = strip_marks(title)
    spans = word_spans(title)
    stems = [index_form(title[start:end], stemming) for start, end in spans]
    terms = {
        tuple(index_form(word, stemming) for word in term.words)
        for group in query.groups
        for term in group
    }
    marks: list[list[int]] = []
    for i in range(len(spans)):
        for term in terms:
            if tuple(stems[i : i + len(term)]) != term:
                continue
            start, end = spans[i][0], spans[i + len(term) - 1][1]
            if marks and start <= marks[-1][1]:
                marks[-1][1] = max(marks[-1][1], end)
            else:
                marks.append([start, end])
    pieces, done = [], 0
    for start, end in marks:
        pieces += [title[done:start], MARK_START, title[start:end], MARK_END]
        done = end
    return highlight("".join(pieces) + title[done:])
