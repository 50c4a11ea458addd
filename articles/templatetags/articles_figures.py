"""Pictures in an article's text: a section's text with its pictures in their places.

A picture placed in a section goes after the section's text or, with
``after_paragraph``, after one of its paragraphs: the section's stored HTML
is cut between its top-level blocks (paragraphs, lists, quotations,
headings), never inside one, and the pictures go in between, those after
the same paragraph in their order. 0 is before the first paragraph; a
number past the last puts the picture after the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Elements without an end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    | {"source", "track", "wbr"}
)


class _BlockEnds(HTMLParser):
    """Where each top-level element of an HTML fragment ends, as offsets into it."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[int] = []
        self._lines = [0, *(m.end() for m in re.finditer("\n", fragment))]
        # Fed once and whole, so ``rawdata`` is the fragment while it is read.
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            line, column = self.getpos()  # where this end tag starts
            start = self._lines[line - 1] + column
            self.ends.append(self.rawdata.index(">", start) + 1)


def text_blocks(fragment: str) -> list[str]:
    """The top-level blocks of sanitised HTML, each with the spacing before it."""
    blocks, start = [], 0
    for end in _BlockEnds(fragment).ends:
        blocks.append(fragment[start:end])
        start = end
    if fragment[start:].strip():
        blocks.append(fragment[start:])
    return blocks


def placed_pictures(html: str, figures: Iterable) -> list[tuple[SafeString, list]]:
    """``html`` in pieces, each with the pictures shown after it, in their order.

    The first piece is empty, for pictures before the first paragraph; the
    last holds the pictures after the text.
    """
    figures = list(figures)
    counted = any(figure.after_paragraph is not None for figure in figures)
    blocks = text_blocks(html) if counted else [html]
    pieces: list[tuple[SafeString, list]] = [(mark_safe(""), [])]
    pieces += [(mark_safe(block), []) for block in blocks]
    for figure in figures:
        n = figure.after_paragraph
        at = n if n is not None and n < len(pieces) else len(pieces) - 1
        pieces[at][1].append(figure)
    return pieces


@register.inclusion_tag("articles/_figures.html")
def section_with_figures(section, figures: Iterable) -> dict:
    """The section's text with the pictures placed in it (``figures``: the article's)."""
    mine = [figure for figure in figures if figure.section_id == section.pk]
    return {"pieces": placed_pictures(section.body_html, mine)}
