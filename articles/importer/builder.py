"""Where each part of an article goes: sections, boxes, tables and the FAQ.

Both readers, plain text and Markdown, walk their input in order and tell an
``ArticleBuilder`` what they found: a heading, a block of text, a table, a
question. The builder keeps every part in its place: tables show after their
section's text, a "Did you know?" box is a section of its own, FAQ items are
collected for the FAQ section, and text that follows any of these starts a
new section so that nothing is shown out of order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.text import Truncator

from .conventions import CALLOUT_HEADING, is_callout_heading
from .parsed import (
    CALLOUT,
    FAQ,
    TEXT,
    ParsedArticle,
    ParsedFaqItem,
    ParsedSection,
    ParsedTable,
)
from .text import is_faq_title, one_line


@dataclass
class Block:
    kind: str  # what the reader made of it; the reader's render() knows
    items: list[Any]
    last_line: int  # where it ended, so that adjacent list lines can merge


@dataclass
class Draft:
    heading: str
    kind: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)
    # A "Did you know?" line makes a closed box; a heading opens one that
    # takes the text up to the next heading.
    is_open: bool = True


@dataclass
class FaqRegion:
    level: int
    question: str | None = None
    answer: list[Any] = field(default_factory=list)
    # The answer began on the question's line ("- Why? Because …").
    inline: bool = False
    started: bool = False


# Blocks of these kinds on adjacent lines are one list or one quotation.
MERGING_KINDS = {"bullets", "numbers", "quote", "labels"}


class ArticleBuilder:
    """Collects an article's parts in reading order; subclasses read the input."""

    # Whether a deeper heading ending in "?" inside the FAQ is a question.
    questions_from_headings = False

    def __init__(self, title: str) -> None:
        self.title = title
        self.drafts = [Draft("", TEXT)]
        self.faq_items: list[ParsedFaqItem] = []
        self.faq: FaqRegion | None = None
        self.has_faq_section = False
        self.prompt = ""
        self.warnings: list[str] = []

    # -- what subclasses provide -------------------------------------------

    def render(self, block: Block) -> str:
        """The block as Markdown for a section body."""
        raise NotImplementedError

    def answer_text(self, answer: list[Any]) -> str:
        """The collected answer to a question as Markdown ("" when there is none)."""
        raise NotImplementedError

    def unanswered(self, question: str) -> Block:
        """The block that keeps a question nobody answered in the text."""
        raise NotImplementedError

    def take_dateline(self, block: Block) -> str:
        """Remove "London – " from the article's first block and return "London"."""
        raise NotImplementedError

    # -- headings and text ---------------------------------------------------

    def heading(self, text: str, level: int) -> None:
        faq = self.faq
        if (
            faq
            and self.questions_from_headings
            and level > faq.level
            and text.endswith("?")
        ):
            self.open_question(text, [], inline=False)
            return
        self.close_faq()
        if is_callout_heading(text):
            self.drafts.append(Draft(CALLOUT_HEADING, CALLOUT))
        elif is_faq_title(text) and not self.has_faq_section:
            self.has_faq_section = True
            self.faq = FaqRegion(level)
            self.drafts.append(Draft(text, FAQ))
        else:
            self.drafts.append(Draft(text, TEXT))

    def current_for_text(self) -> Draft:
        draft = self.drafts[-1]
        # Tables show after their section's text, callouts are boxes and the
        # FAQ list follows its section's intro: later text needs a section
        # of its own to keep its place.
        if (
            (draft.kind == CALLOUT and not draft.is_open)
            or draft.tables
            or (draft.kind == FAQ and self.faq and self.faq.started)
        ):
            draft = Draft("", TEXT)
            self.drafts.append(draft)
        return draft

    def add_block(self, block: Block) -> None:
        draft = self.current_for_text()
        previous = draft.blocks[-1] if draft.blocks else None
        if (
            previous is not None
            and previous.kind == block.kind
            and block.kind in MERGING_KINDS
            and previous.last_line + 1 == block.last_line
        ):
            previous.items.extend(block.items)
            previous.last_line = block.last_line
        else:
            draft.blocks.append(block)

    def add_callout(self, blocks: list[Block]) -> None:
        """A closed "Did you know?" box holding ``blocks``."""
        self.close_faq_item()
        self.drafts.append(Draft(CALLOUT_HEADING, CALLOUT, blocks, is_open=False))

    def add_table(self, table: ParsedTable) -> None:
        self.close_faq_item()
        draft = self.drafts[-1]
        if (draft.kind == CALLOUT and not draft.is_open) or (
            draft.kind == FAQ and self.faq and self.faq.started
        ):
            draft = Draft("", TEXT)
            self.drafts.append(draft)
        draft.tables.append(table)

    def kept_as_text(self, first_line: str, problem: str) -> None:
        """Warn that the table starting with ``first_line`` stayed text because of ``problem``."""
        self.warnings.append(
            f"the table starting “{Truncator(one_line(first_line)).chars(40)}” "
            f"was kept as text: {problem}"
        )

    def caption_fallback(self) -> str:
        """What a table without a caption or header is named after."""
        return next((d.heading for d in reversed(self.drafts) if d.heading), "") or (
            self.title
        )

    # -- the FAQ ---------------------------------------------------------------

    def open_question(self, question: str, answer: list[Any], *, inline: bool) -> None:
        self.close_faq_item()
        self.faq.question, self.faq.answer, self.faq.inline = question, answer, inline
        self.faq.started = True

    def close_faq_item(self) -> None:
        faq = self.faq
        if faq is None or faq.question is None:
            return
        question, answer = faq.question, faq.answer
        faq.question, faq.answer, faq.inline = None, [], False
        text = self.answer_text(answer)
        if text:
            self.faq_items.append(ParsedFaqItem(question, text))
        else:
            # A question nobody answered stays in the article as a paragraph.
            self.add_block(self.unanswered(question))

    def close_faq(self) -> None:
        self.close_faq_item()
        self.faq = None

    # -- the result --------------------------------------------------------

    def finish(self, *, is_markdown: bool) -> ParsedArticle:
        dateline = ""
        first = next((d for d in self.drafts if d.blocks or d.tables), None)
        if first is not None and first.kind == TEXT and first.blocks:
            dateline = self.take_dateline(first.blocks[0])
        sections = []
        for draft in self.drafts:
            body = "\n\n".join(
                self.render(block) for block in draft.blocks if block.items
            ).strip()
            if draft.heading or body or draft.tables:
                sections.append(
                    ParsedSection(draft.heading, draft.kind, body, draft.tables)
                )
        return ParsedArticle(
            title=self.title,
            sections=sections,
            faq_items=self.faq_items,
            dateline=dateline,
            comment_prompt=self.prompt,
            is_markdown=is_markdown,
            warnings=self.warnings,
        )
