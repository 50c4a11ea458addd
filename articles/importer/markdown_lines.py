"""Lines of a Markdown paragraph, and cutting them where a convention ends.

The newsroom's conventions live in lines ("London – …", "Why? Because …",
"Cost: high"), so a paragraph's inline tokens are split into ``Line``s.
Emphasis running from one line to the next is closed and opened again, so
each line stands alone, and ``join_lines`` puts them back as they were.
``cut`` splits a line's tokens where a convention's text ends.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

from markdown_it.token import Token

from ..tabular import is_separator_row
from . import conventions as c
from .markdown_inline import RAW, line_markdown, plain, plain_piece, shown
from .text import collapse_spaces

_PAIRS = {"em_open": "em_close", "strong_open": "strong_close"}


# Marks emphasis closed at the end of a line and opened again on the next.
CARRIED = "carried"


def _closer(opener: Token, **meta: bool) -> Token:
    return Token(_PAIRS[opener.type], opener.tag, -1, markup=opener.markup, meta=meta)


def _without_empty_pairs(tokens: list[Token]) -> list[Token]:
    kept: list[Token] = []
    for token in tokens:
        if kept and _PAIRS.get(kept[-1].type) == token.type:
            kept.pop()  # "**" then "**" with nothing between
        else:
            kept.append(token)
    return kept


@dataclass
class Line:
    """One line of a paragraph, as inline tokens."""

    tokens: list[Token]
    indented: bool = False  # written with leading spaces: it continues the line before
    hard_break: bool = False  # ends in a hard line break

    @cached_property
    def plain(self) -> str:
        return plain(self.tokens)

    @cached_property
    def shown(self) -> str:
        return shown(self.tokens)

    @cached_property
    def markdown(self) -> str:
        return line_markdown(self.tokens)


def split_lines(tokens: list[Token], source: str = "") -> list[Line]:
    """The lines of a paragraph's tokens; emphasis running on is closed and opened again.

    ``source`` is the paragraph as written, to tell which lines were indented.
    """
    written = source.split("\n")
    lines: list[Line] = []
    current: list[Token] = []
    emphasis: list[Token] = []
    links = breaks = first_break = 0
    for token in tokens:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            breaks += 1
            if not links:
                current += [_closer(o, carried=True) for o in reversed(emphasis)]
                lines.append(_line(current, written, first_break, kind == "hardbreak"))
                current = [o.copy(meta={CARRIED: True}) for o in emphasis]
                first_break = breaks
                continue
        elif kind == "text" and not token.content:
            continue  # left over where emphasis markers were
        elif kind in _PAIRS:
            emphasis.append(token)
        elif kind in ("em_close", "strong_close") and emphasis:
            emphasis.pop()
        elif kind == "link_open":
            links += 1
        elif kind == "link_close":
            links = max(links - 1, 0)
        current.append(token)
    lines.append(_line(current, written, first_break, False))
    return lines


def join_lines(lines: list[Line]) -> str:
    """Lines of one paragraph as Markdown; emphasis running on from line to line again."""
    runs = [list(line.tokens) for line in lines]
    for before, after in itertools.pairwise(runs):
        while (
            before
            and after
            and before[-1].meta.get(CARRIED)
            and after[0].meta.get(CARRIED)
            and _PAIRS.get(after[0].type) == before[-1].type
        ):
            before.pop()
            after.pop(0)
    last = len(lines) - 1
    return "\n".join(
        line_markdown(run) + ("\\" if line.hard_break and n < last else "")
        for n, (line, run) in enumerate(zip(lines, runs, strict=True))
    )


def _line(tokens: list[Token], written: list[str], at: int, hard: bool) -> Line:
    indented = 0 < at < len(written) and written[at][:1] == " "
    return Line(_without_empty_pairs(tokens), indented, hard)


def cut(tokens: list[Token], offset: int) -> tuple[list[Token], list[Token]] | None:
    """The tokens before and after ``offset`` characters of their ``plain`` text.

    Emphasis open at the cut is closed before it and opened again after it.
    A cut inside a link, a code span or an escape cannot be made: None.
    """
    head: list[Token] = []
    emphasis: list[Token] = []
    links, position, rest = 0, 0, len(tokens)
    tail_start: list[Token] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("em_close", "strong_close", "link_close"):
            head.append(token)
            if kind == "link_close":
                links -= 1
            elif emphasis:
                emphasis.pop()
            continue
        if position >= offset:
            rest = index
            break
        if kind in _PAIRS or kind == "link_open":
            head.append(token)
            if kind == "link_open":
                links += 1
            else:
                emphasis.append(token)
            continue
        length = len(plain_piece(token))
        if position + length <= offset:
            head.append(token)
            position += length
            continue
        if kind not in ("text", RAW):
            return None
        split = offset - position
        head.append(token.copy(content=token.content[:split]))
        tail_start = [token.copy(content=token.content[split:])]
        rest = index + 1
        break
    if links:
        return None
    head += [_closer(opener) for opener in reversed(emphasis)]
    tail = [o.copy() for o in emphasis] + tail_start + tokens[rest:]
    return _without_empty_pairs(head), _lstrip(_without_empty_pairs(tail))


def _lstrip(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the spaces they start with."""
    tokens = list(tokens)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in _PAIRS:
            index += 1
            continue
        if token.type not in ("text", RAW):
            break
        content = token.content.lstrip()
        if content:
            tokens[index] = token.copy(content=content)
            break
        del tokens[index]
    return _without_empty_pairs(tokens)


def rest_after(text: str, rest: str) -> int | None:
    """The offset in ``text`` where ``rest``, the end of its stripped form, begins."""
    stripped = text.rstrip()
    return len(stripped) - len(rest) if rest and stripped.endswith(rest) else None


def cells(tokens: list[Token]) -> list[str]:
    """The cells of a "| a | b |" line as shown; "\\|" is a bar inside a cell."""
    found: list[list[Token]] = [[]]
    links = 0
    for token in tokens:
        if token.type == "link_open":
            links += 1
        elif token.type == "link_close":
            links -= 1
        if token.type in ("text", RAW) and not links and "|" in token.content:
            pieces = token.content.split("|")
            found[-1].append(token.copy(content=pieces[0]))
            found += [[token.copy(content=piece)] for piece in pieces[1:]]
        else:
            found[-1].append(token)
    row = [shown(cell) for cell in found]
    if row and not row[0]:
        row = row[1:]
    if len(row) > 1 and not row[-1]:
        row = row[:-1]
    return row


# -- the conventions, in lines ------------------------------------------------


def after(line: Line, rest: str) -> list[Token]:
    """The tokens of ``line`` from where its plain text's ending ``rest`` begins."""
    offset = rest_after(line.plain, rest)
    parts = cut(line.tokens, offset) if offset is not None else None
    return parts[1] if parts else [Token("text", "", 0, content=rest)]


def split_question(line: Line) -> tuple[str, str] | None:
    """(question, answer as Markdown) when the line opens with a question."""
    end = c.question_end(line.plain)
    parts = cut(line.tokens, end) if end is not None else None
    if parts is None:
        return None
    question = shown(parts[0])
    return (question, line_markdown(parts[1])) if c.is_question(question) else None


def labelled(line: Line) -> tuple[str, Line] | None:
    """(label, the rest) of a "Label: text" line; the label may be bold, nothing else."""
    found = c.labelled_line(line.plain)
    offset = rest_after(line.plain, found[1]) if found else None
    parts = cut(line.tokens, offset) if offset is not None else None
    if parts is None or any(
        token.type not in ("text", "strong_open", "strong_close") for token in parts[0]
    ):
        return None
    return found[0], Line(parts[1])


def is_separator(line: Line) -> bool:
    return "|" in line.plain and is_separator_row(collapse_spaces(line.plain))
