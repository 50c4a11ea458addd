"""The Markdown parser the importer reads with, and what it may spend on inline text.

The parser is ``articles.markup``'s dialect with headings, rules and tables
turned on, so that whatever it finds in a section body renders the same way
for readers. Block structure is always parsed; inline text (emphasis,
links) is tokenised by ``InlineReader`` within a budget, because tokenising
some crafted text costs far more than its length suggests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table as gfm_table
from markdown_it.token import Token

from .markdown_inline import raw_token
from .markdown_lines import Line, split_lines


def make_parser() -> MarkdownIt:
    """The parser for imported Markdown: ``articles.markup``'s dialect with headings,
    rules and tables, so that what it finds in a body renders the same there."""
    parser = (
        MarkdownIt(
            "commonmark", {"html": False, "linkify": False, "typographer": False}
        )
        .disable(["image", "html_block", "html_inline", "code", "fence"])
        .enable("table")
    )
    parser.block.ruler.at("table", _table)
    # Inline content is tokenised by InlineReader, within its budget.
    parser.disable(["inline", "text_join"])
    return parser


def _table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A pipe table, which ends at the first line without a "|", as in plain text.

    (A GFM table would take that line as one more row.)
    """
    if silent:
        return gfm_table(state, start, end, True)
    if not gfm_table(state, start, end, True):
        return False
    stop = start + 2
    while stop < end and "|" in state.src[state.bMarks[stop] : state.eMarks[stop]]:
        stop += 1
    return gfm_table(state, start, stop, False)


# Tokenising inline Markdown costs about a microsecond for each character that
# can start markup (markdown-it's "terminators"), and far more for some: a line
# of two million "[" takes half a minute. These weights make ``inline_cost``
# roughly microseconds; text without any of these characters costs nothing.
_WEIGHTS = {"[": 20, "*": 8, "_": 8, "`": 3, "]": 2, "\n": 2}
_OTHER_MARKS = "!#$%&+-:<=>@\\^{}~"
# An article's inline markup costs a few thousand; past this, text is hostile.
INLINE_BUDGET = 1_000_000


def inline_cost(text: str) -> int:
    cost = sum(text.count(mark) * weight for mark, weight in _WEIGHTS.items())
    return cost + sum(text.count(mark) for mark in _OTHER_MARKS)


@dataclass
class InlineReader:
    """Tokenises inline content while the document's budget lasts."""

    parser: MarkdownIt
    env: dict[str, Any] = field(default_factory=dict)
    budget: int = INLINE_BUDGET

    def tokens(self, text: str) -> list[Token]:
        """The inline tokens of ``text``; past the budget, the text as written."""
        cost = inline_cost(text)
        if cost > self.budget:
            return [raw_token(text)]
        self.budget -= cost
        return self._parse(text, cost)

    def lines(self, text: str) -> list[Line]:
        """The lines of a paragraph's ``text``, tokenised while the budget lasts.

        When the whole paragraph costs too much, runs of its lines are
        tokenised while they fit and a line that does not is kept as written.
        """
        if inline_cost(text) <= self.budget:
            return split_lines(self.tokens(text), text)
        lines: list[Line] = []
        run: list[str] = []
        for written in text.split("\n"):
            cost = inline_cost(written) + _WEIGHTS["\n"]
            if cost <= self.budget:
                self.budget -= cost
                run.append(written)
                continue
            lines += self._run(run)
            lines.append(Line([raw_token(written.strip())], written[:1] == " "))
            run = []
        return lines + self._run(run)

    def _run(self, run: list[str]) -> list[Line]:
        text = "\n".join(run).lstrip()
        return split_lines(self._parse(text, inline_cost(text)), text)

    def _parse(self, text: str, cost: int) -> list[Token]:
        if not cost:  # plain words: one text token, as the parser would make
            return [Token("text", "", 0, content=text)] if text else []
        tokens: list[Token] = []
        self.parser.inline.parse(text, self.parser, self.env, tokens)
        return tokens


PARSER = make_parser()
