"""Where each part of an article goes: sections, boxes, tables and the FAQ.

Both readers, plain text and Markdown, walk their input in order and tell an
``ArticleBuilder`` what they found: a heading, a block of text, a table, a
question. The builder keeps every part in its place: tables show after their
section's text, a "Did you know?" box is a section of its own, FAQ items are
collected for the FAQ section, and text that follows any of these starts a
new section so that nothing is shown out of order.

At the end (``arrange``) a heading with nothing under it but another heading
becomes that section's part heading, and the first heading after the comment
prompt starts a follow-up story, so no section is left empty.
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
    Found,
    ParsedArticle,
    ParsedFaqItem,
    ParsedSection,
    ParsedTable,
)
from .text import is_faq_title, one_line

PART_RULE = "heading right above another heading: the part they start"
FOLLOW_UP_RULE = "headline after the comment prompt: a follow-up story"
BOX_RULE = "“Did you know?” box"
QUESTION_HEADING = "question heading in the FAQ"
QUESTION_ITEM = "“- Question? Answer.” in the FAQ"
QUESTION_LINE = "question line in the FAQ, with its answer under it"
QA_LINE = "“Q:” line in the FAQ"


@dataclass
class Block:
    kind: str  # what the reader made of it; the reader's render() knows
    items: list[Any]
    last_line: int  # where it ended, so that adjacent list lines can merge
    line: int = 0  # where it starts in the file


@dataclass
class Draft:
    heading: str
    kind: str
    blocks: list[Block] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)
    # A "Did you know?" line makes a closed box; a heading opens one that
    # takes the text up to the next heading.
    is_open: bool = True
    level: int = 2
    found: Found | None = None
    follow_up: bool = False  # the first heading after the comment prompt
    part_heading: str = ""
    part_found: Found | None = None


@dataclass
class FaqRegion:
    level: int
    question: str | None = None
    answer: list[Any] = field(default_factory=list)
    # The answer began on the question's line ("- Why? Because …").
    inline: bool = False
    started: bool = False
    found: Found | None = None


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
        self.discussion_question = ""
        self.found: dict[str, Found] = {}
        self.warnings: list[str] = []
        # Set by the comment prompt: the next heading starts a follow-up story.
        self.follow_up_next = False

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

    def heading(self, text: str, level: int, found: Found | None = None) -> None:
        faq = self.faq
        if (
            faq
            and self.questions_from_headings
            and level > faq.level
            and text.endswith("?")
            and not self.prompt
        ):
            line = found.line if found else 0
            found = Found(line, QUESTION_HEADING)
            self.open_question(text, [], inline=False, found=found)
            return
        self.close_faq()
        follow_up, self.follow_up_next = self.follow_up_next, False
        if is_callout_heading(text):
            self.drafts.append(Draft(CALLOUT_HEADING, CALLOUT, found=found))
        elif is_faq_title(text) and not self.has_faq_section:
            self.has_faq_section = True
            self.faq = FaqRegion(level)
            self.drafts.append(Draft(text, FAQ, level=level, found=found))
        else:
            self.drafts.append(
                Draft(text, TEXT, level=level, found=found, follow_up=follow_up)
            )

    def take_prompt(self, prompt: str, line: int) -> None:
        """The "Share your thoughts:" invitation: the end of the article's own text."""
        self.close_faq_item()
        self.prompt = prompt
        self.found["comment_prompt"] = Found(line, "comment prompt")
        self.follow_up_next = True

    def take_discussion_question(self, question: str, line: int) -> None:
        self.discussion_question = question
        self.found["discussion_question"] = Found(
            line, "question right after the comment prompt"
        )

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

    def add_callout(self, blocks: list[Block], line: int = 0) -> None:
        """A closed "Did you know?" box holding ``blocks``."""
        self.close_faq_item()
        self.drafts.append(
            Draft(
                CALLOUT_HEADING,
                CALLOUT,
                blocks,
                is_open=False,
                found=Found(line, BOX_RULE),
            )
        )

    def add_table(self, table: ParsedTable) -> None:
        self.close_faq_item()
        draft = self.drafts[-1]
        if (draft.kind == CALLOUT and not draft.is_open) or (
            draft.kind == FAQ and self.faq and self.faq.started
        ):
            draft = Draft("", TEXT)
            self.drafts.append(draft)
        draft.tables.append(table)

    def kept_as_text(self, first_line: str, problem: str, line: int) -> None:
        """Warn that the table starting with ``first_line`` stayed text because of ``problem``."""
        start = Truncator(one_line(first_line)).chars(40)
        self.warnings.append(
            f"line {line}: the table starting “{start}” was kept as text: {problem}"
        )

    def no_caption(self, line: int) -> None:
        self.warnings.append(
            f"line {line}: the table has no caption; write one in the admin, where "
            "it is required, saying what the table shows"
        )

    # -- the FAQ ---------------------------------------------------------------

    def open_question(
        self, question: str, answer: list[Any], *, inline: bool, found: Found
    ) -> None:
        self.close_faq_item()
        self.faq.question, self.faq.answer, self.faq.inline = question, answer, inline
        self.faq.started = True
        self.faq.found = found

    def close_faq_item(self) -> None:
        faq = self.faq
        if faq is None or faq.question is None:
            return
        question, answer, found = faq.question, faq.answer, faq.found
        faq.question, faq.answer, faq.inline, faq.found = None, [], False, None
        text = self.answer_text(answer)
        if text:
            self.faq_items.append(ParsedFaqItem(question, text, found))
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
            if dateline:
                self.found["dateline"] = Found(
                    first.blocks[0].line, "first words of the first paragraph"
                )
        sections = []
        for draft in self.arrange():
            body = "\n\n".join(
                self.render(block) for block in draft.blocks if block.items
            ).strip()
            if not (draft.heading or draft.part_heading or body or draft.tables):
                continue
            if draft.heading and not body and not draft.tables and draft.kind == TEXT:
                line = draft.found.line if draft.found else 0
                self.warnings.append(
                    f"line {line}: “{draft.heading}” has no text under it"
                )
            sections.append(
                ParsedSection(
                    draft.heading,
                    draft.kind,
                    body,
                    draft.tables,
                    part_heading=draft.part_heading,
                    is_follow_up=draft.follow_up and bool(draft.part_heading),
                    found=draft.found if draft.heading else None,
                    part_found=draft.part_found,
                )
            )
        return ParsedArticle(
            title=self.title,
            sections=sections,
            faq_items=self.faq_items,
            dateline=dateline,
            comment_prompt=self.prompt,
            is_markdown=is_markdown,
            warnings=self.warnings,
            discussion_question=self.discussion_question,
            found=self.found,
        )

    def arrange(self) -> list[Draft]:
        """The drafts with parts made of headings that stand over other headings.

        A heading with nothing under it before the next heading is that
        section's part heading; before a box, it moves below the box to the
        text it heads. The first heading after the comment prompt starts a
        follow-up part. In Markdown, once a part's sections are a level below
        its heading, every later heading at the part's level starts a part.
        """
        drafts = [d for d in self.drafts if d.heading or d.blocks or d.tables]
        arranged: list[Draft] = []
        part_level = 0  # the level of the part heading over deeper sections
        i = 0
        while i < len(drafts):
            draft = drafts[i]
            after = drafts[i + 1] if i + 1 < len(drafts) else None
            # A heading alone; one that already has a part heading stays put.
            bare = (
                draft.heading
                and draft.kind == TEXT
                and not (draft.blocks or draft.tables or draft.part_heading)
            )
            if (
                bare
                and after
                and after.heading
                and after.kind in (TEXT, FAQ)
                and not after.part_heading
            ):
                self.start_part(after, draft)
                part_level = draft.level if after.level > draft.level else 0
                i += 1
                continue
            if (
                bare
                and after
                and after.kind == CALLOUT
                and i + 2 < len(drafts)
                and not drafts[i + 2].heading
                and drafts[i + 2].kind == TEXT
            ):
                # "Key figures", a box, then the table: the heading goes with the table.
                text = drafts[i + 2]
                text.heading, text.level, text.found = (
                    draft.heading,
                    draft.level,
                    draft.found,
                )
                text.follow_up = draft.follow_up
                i += 1
                continue
            if (
                draft.heading
                and draft.kind == TEXT
                and not draft.part_heading
                and (draft.follow_up or (part_level and draft.level <= part_level))
            ):
                # A headline with its story right under it, or a heading at the
                # level of the parts: a part whose first section has no heading.
                self.start_part(draft, draft)
                draft.heading, draft.found = "", None
            arranged.append(draft)
            i += 1
        return arranged

    def start_part(self, section: Draft, heading: Draft) -> None:
        follow_up = heading.follow_up or section.follow_up
        line = heading.found.line if heading.found else 0
        section.part_heading = heading.heading
        section.part_found = Found(line, FOLLOW_UP_RULE if follow_up else PART_RULE)
        section.follow_up = follow_up
