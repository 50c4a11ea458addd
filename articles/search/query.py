"""What readers type into the search box, turned into the terms a search backend runs.

The syntax is the one people already know from web search engines:

* ``word word`` – articles containing every word (stemmed: "guarantee" finds
  "guarantees");
* ``"an exact phrase"`` – the words next to each other, in that order;
* ``-word`` or ``-"a phrase"`` (also ``NOT word``) – leave out articles containing it;
* ``word OR word`` – either word.

Anything else – stray quotes, brackets, stars, colons, carets, emoji, control
characters – is treated as a gap between words and never reaches the database
as syntax: a term is only ever a run of letters and digits, and each backend
passes it on as a quoted string or a bound parameter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The header's search box has maxlength=200; longer queries are cut, not refused.
MAX_QUERY_CHARS = 200
# Terms (words or phrases) beyond this are ignored, so a pasted paragraph
# cannot make one search arbitrarily expensive.
MAX_TERMS = 12
MAX_WORDS_PER_PHRASE = 12

# Format characters kept because words need them: zero-width (non-)joiners
# are part of spelling in Persian, Hindi and other scripts.
_KEPT_FORMAT_CHARS = frozenset({"\u200c", "\u200d"})
_SPACES = re.compile(r"\s+")
# Straight, typographic and angle quotation marks, single and double.
_QUOTATION_MARKS = frozenset("\"'“”„‟‘’‚‛«»‹›＂")


@dataclass(frozen=True)
class Term:
    """One word, or several words that must appear together as a phrase."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedQuery:
    """Every group must match (a group is one term or several joined by OR);
    no excluded term may match."""

    text: str
    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    truncated: bool = False

    @property
    def is_searchable(self) -> bool:
        return bool(self.groups)


def clean_query(raw: str) -> str:
    """The query as shown back to the reader: no control characters, single spaces, capped."""
    text = unicodedata.normalize("NFC", raw[: MAX_QUERY_CHARS * 4])
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or (
            category == "Cf" and char not in _KEPT_FORMAT_CHARS
        ):
            continue  # NUL, other controls, bidi overrides, lone surrogates
        else:
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()[:MAX_QUERY_CHARS].strip()


def quoted(text: str) -> str:
    """``text`` between typographic quotation marks, to show a query in a sentence.

    A query that starts or ends with quotation marks of its own (a phrase
    search) is shown as it is: a second pair would only be noise.
    """
    if text[:1] in _QUOTATION_MARKS or text[-1:] in _QUOTATION_MARKS:
        return text
    return f"“{text}”"


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" or char in _KEPT_FORMAT_CHARS


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of ``text`` starts and ends: runs of letters, marks and
    digits that hold a letter or digit."""
    spans, start = [], None
    for i, char in enumerate(text + " "):
        if _is_word_char(char):
            if start is None:
                start = i
            continue
        if start is not None:
            if any(unicodedata.category(c)[0] in "LN" for c in text[start:i]):
                spans.append((start, i))
            start = None
    return spans


def split_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` (see ``word_spans``), lower-cased."""
    return tuple(text[start:end].lower() for start, end in word_spans(text))


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split into (token, was_quoted); an unclosed quote runs to the end."""
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == '"' or (char == "-" and text[i + 1 : i + 2] == '"'):
            negated = char == "-"
            start = i + (2 if negated else 1)
            end = text.find('"', start)
            end = n if end == -1 else end
            tokens.append((("-" if negated else "") + text[start:end], True))
            i = end + 1
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] != '"':
                end += 1
            tokens.append((text[i:end], False))
            i = end
    return tokens


def parse_query(raw: str) -> ParsedQuery:
    """Parse what a reader typed; hostile or meaningless input gives an unsearchable query."""
    text = clean_query(raw)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    truncated = False
    pending_or = False
    pending_not = False
    seen: set[Term] = set()

    for token, quoted in _tokens(text):
        if not quoted and token == "OR":
            pending_or = bool(groups)
            continue
        if not quoted and token in ("AND", "&&", "+"):
            continue
        if not quoted and token == "NOT":
            pending_not = True
            continue
        negated = pending_not
        pending_not = False
        if token.startswith("-"):
            negated, token = True, token.lstrip("-")
        words = split_words(token)
        if not words:
            pending_or = False
            continue
        if len(words) > MAX_WORDS_PER_PHRASE:
            words, truncated = words[:MAX_WORDS_PER_PHRASE], True
        term = Term(words)
        if term in seen:
            pending_or = False
            continue
        if len(seen) >= MAX_TERMS:
            truncated = True
            break
        seen.add(term)
        if negated:
            excluded.append(term)
            pending_or = False
        elif pending_or and groups:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])

    return ParsedQuery(
        text=text,
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        truncated=truncated,
    )
