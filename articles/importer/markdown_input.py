"""A Markdown article read through the Markdown parser's token stream.

The parser (markdown-it) finds headings, paragraphs, lists, quotations and
tables; links and emphasis stay the writer's because bodies are written out
again from the inline tokens. What Markdown has no syntax for, the
newsroom's conventions, is recognised in the text of each paragraph line:
the "Did you know?" box, a table's "Table:" caption and "Source:" note,
FAQ questions, the "Share your thoughts:" prompt and the dateline.
"""

from __future__ import annotations

import itertools
import re

from markdown_it.tree import SyntaxTreeNode

from ..markup import escape_markdown
from ..tabular import is_pipe_row
from . import builder as b
from . import conventions
from .builder import Block
from .markdown_blocks import (
    HEADING,
    LINE,
    LIST,
    MARKED,
    QUOTE,
    TABLE,
    Unit,
    is_wire_copy,
    read_units,
    render,
    render_list,
    separate_wire_copy,
)
from .markdown_inline import line_markdown, shown
from .markdown_lines import (
    Line,
    after,
    cut,
    join_lines,
    labelled,
    rest_after,
    split_lines,
    split_question,
)
from .markdown_outline import (
    apply_contents,
    find_title,
    mark_faq_titles,
    mark_shaped_headings,
    take_byline,
    take_standfirst,
)
from .markdown_parser import PARSER, InlineReader
from .markdown_tables import (
    CAPTION_ABOVE,
    CAPTION_HEADING,
    CAPTION_LINE,
    MarkdownTables,
)
from .parsed import Found, ParsedArticle
from .shapes import question_line, reads_as_caption
from .text import MAX_QUESTION_CHARS, escape_plain, one_line


def parse_markdown(lines: list[str], start: int) -> ParsedArticle:
    """The article in the Markdown ``lines``, whose title is on line ``start``."""
    wire = is_wire_copy(lines[start + 1 :])
    text, numbers = lines[start:], list(range(start + 1, len(lines) + 1))
    if wire:
        text, numbers = separate_wire_copy(text, numbers)
    reader = InlineReader(PARSER)
    title, units = find_title(read_units(text, numbers, reader))
    found = {"title": Found(start + 1, "first line")}
    units, toc_at, warnings = apply_contents(units, title)
    units, byline = take_byline(mark_faq_titles(units), found)
    if byline and toc_at is not None:
        toc_at -= 1
    units, standfirst, where = take_standfirst(units, toc_at, wire=wire)
    if where is not None:
        found["standfirst"] = where
        if not byline:
            units, byline = take_byline(units, found)
    units = mark_shaped_headings(units, wire=wire, has_toc=toc_at is not None)
    parser = MarkdownParser(units, title=title, wire=wire, reader=reader)
    parser.run()
    article = parser.finish(is_markdown=True)
    article.byline = byline
    article.standfirst = standfirst
    article.found = found | article.found
    article.warnings = warnings + article.warnings
    return article


QuoteItem = Line | SyntaxTreeNode


def _quote_items(node: SyntaxTreeNode) -> list[tuple[int, QuoteItem]]:
    """A quotation's paragraph lines and other blocks, each with the number of its block."""
    items: list[tuple[int, QuoteItem]] = []
    for n, child in enumerate(node.children):
        if child.type == "paragraph":
            inline = child.children[0].token
            lines = split_lines(inline.children or [], inline.content)
            items += [(n, line) for line in lines]
        else:
            items.append((n, child))
    return items


def _as_blocks(
    items: list[tuple[int, QuoteItem]], i: int, kind: str = "lines"
) -> list[Block]:
    """The items as blocks: lines of one paragraph together (of ``kind``), others rendered."""
    blocks = []
    for _, group in itertools.groupby(items, key=lambda item: item[0]):
        found = [item for _, item in group]
        if isinstance(found[0], Line):
            blocks.append(Block(kind, found, i))
        else:
            blocks.append(Block("markdown", [render(found[0])], i))
    return blocks


class MarkdownParser(MarkdownTables):
    questions_from_headings = True

    def __init__(
        self, units: list[Unit], *, title: str, wire: bool, reader: InlineReader
    ) -> None:
        super().__init__(title)
        self.units = units
        # Wire copy has a paragraph per line, but for indented lines and runs
        # of "Label: text" points.
        self.wire = wire
        self.reader = reader
        self.buffer: list[Line] = []
        self.buffer_start = 0
        self.pending_caption = None

    # -- the walk --------------------------------------------------------

    def run(self) -> None:
        units, i = self.units, 0
        while i < len(units):
            unit = units[i]
            if unit.kind == LINE:
                i = self.line(i)
                continue
            self.flush()
            if unit.kind == HEADING:
                caption = conventions.caption_line(unit.line.shown)
                if caption and self.starts_table(i + 1):
                    # "## Table 1: Ships per year" over a table names it.
                    self.pending_caption = (caption, i, CAPTION_HEADING)
                else:
                    found = Found(unit.number, unit.rule or MARKED)
                    self.heading(unit.line.shown, unit.level, found)
            elif unit.kind == TABLE:
                i = self.read_table(i)
                continue
            elif unit.kind == LIST:
                self.read_list(i)
            elif unit.kind == QUOTE:
                had_prompt = bool(self.prompt)
                self.read_quote(i)
                if self.prompt and not had_prompt:
                    # "> Share your thoughts: …" then the question for readers.
                    i = self.read_discussion_question(i + 1)
                    continue
            i += 1
        self.flush()
        self.close_faq()

    def line(self, i: int) -> int:
        unit = self.units[i]
        line = unit.line
        if not self.prompt and (prompt := conventions.comment_prompt(line.shown)):
            self.flush()
            self.take_prompt(prompt, unit.number)
            return self.read_discussion_question(i + 1)
        elif conventions.callout_start(line.plain):
            self.flush()
            return self.read_callout(i)
        elif self.starts_rows(i):
            self.flush()
            return self.read_rows(i)
        elif (caption := conventions.caption_line(line.shown)) and self.starts_table(
            i + 1
        ):
            self.flush()
            self.pending_caption = (caption, i, CAPTION_LINE)
        elif (
            reads_as_caption(line.plain)
            and self.starts_table(i + 1)
            and self.units[i + 1].number == unit.number + 1
        ):
            self.flush()
            self.pending_caption = (one_line(line.shown), i, CAPTION_ABOVE)
        elif self.faq and self.faq_line(line, unit.number):
            pass
        else:
            if self.buffer and self.wire and not self.continues(line):
                self.flush()
            if not self.buffer:
                self.buffer_start = i
            self.buffer.append(line)
        if unit.para_end:
            if self.faq and self.faq.question is not None:
                self.faq.answer.append("")
            else:
                self.flush()
        return i + 1

    def read_discussion_question(self, i: int) -> int:
        """A question right after the comment prompt is put to readers with it."""
        unit = self.units[i] if i < len(self.units) else None
        if unit is not None and unit.kind in (LINE, HEADING):
            alone = unit.kind == HEADING or unit.para_end or self.wire
            question = question_line(unit.line.shown) if alone else None
            if question:
                self.take_discussion_question(question, unit.number)
                return i + 1
        return i

    def continues(self, line: Line) -> bool:
        """Whether a wire-copy line belongs to the paragraph before it."""
        return line.indented or bool(labelled(self.buffer[-1]) and labelled(line))

    def flush(self) -> None:
        if self.buffer:
            lines, self.buffer = self.buffer, []
            at = self.units[self.buffer_start].number
            self.add_block(Block("lines", lines, self.buffer_start + len(lines), at))

    def is_prose(self, i: int) -> bool:
        unit = self.units[i]
        return unit.kind == LINE and not (
            is_pipe_row(unit.line.markdown)
            or conventions.comment_prompt(unit.line.shown)
            or conventions.callout_start(unit.line.plain)
        )

    # -- boxes -------------------------------------------------------------

    def read_callout(self, i: int) -> int:
        """A "Did you know?" line: the box holds the rest of the line, or what follows."""
        unit = self.units[i]
        rest, _ = conventions.callout_start(unit.line.plain)
        blocks, j = [], i + 1
        if rest:
            blocks.append(Block("lines", [Line(after(unit.line, rest))], i))
        elif unit.para_end and self.is_box_block(j):
            blocks.append(Block("markdown", [self.render_unit(self.units[j])], j))
            j += 1
        else:
            lines = []
            while j < len(self.units) and self.is_prose(j):
                lines.append(self.units[j].line)
                j += 1
                if self.units[j - 1].para_end:
                    break
            if lines:
                blocks.append(Block("lines", lines, i))
        if not blocks:
            # A box with nothing in it.
            self.add_block(Block("lines", [unit.line], i, unit.number))
            return i + 1
        self.add_callout(blocks, unit.number)
        return j

    def is_box_block(self, j: int) -> bool:
        """A list or quotation that can fill a box opened on the line before."""
        if j >= len(self.units) or self.units[j].kind not in (LIST, QUOTE):
            return False
        first = self.units[j].source[0] if self.units[j].source else ""
        return not (
            conventions.callout_start(first) or conventions.comment_prompt(first)
        )

    def read_quote(self, i: int) -> None:
        """A quotation; a "Did you know?" line in it opens a box with the rest of it,
        and a "Share your thoughts:" line in it is the prompt."""
        items = _quote_items(self.units[i].node)
        start = 0
        for k, (n, item) in enumerate(items):
            if not isinstance(item, Line):
                continue
            if found := conventions.callout_start(item.plain):
                box = [(n, Line(after(item, found[0])))] if found[0] else []
                blocks = _as_blocks(box + items[k + 1 :], i)
                if blocks:
                    self.quote_text(items[start:k], i)
                    self.add_callout(blocks, self.units[i].number)
                    return
            elif not self.prompt and (prompt := conventions.comment_prompt(item.shown)):
                self.quote_text(items[start:k], i)
                self.take_prompt(prompt, self.units[i].number)
                start = k + 1
        self.quote_text(items[start:], i)

    def quote_text(self, items: list[tuple[int, QuoteItem]], i: int) -> None:
        if items:
            blocks = _as_blocks(items, i, "quoted")
            inner = "\n\n".join(self.render(block) for block in blocks)
            quoted = (f"> {line}" if line else ">" for line in inner.split("\n"))
            self.text_block("\n".join(quoted), i)

    def text_block(self, markdown: str, i: int) -> None:
        """A list or quotation: part of an answer being read, or text."""
        faq = self.faq
        if faq and faq.question is not None and not faq.inline:
            faq.answer += [markdown, ""]
        else:
            self.close_faq_item()
            self.add_block(Block("markdown", [markdown], i, self.units[i].number))

    def render_unit(self, unit: Unit) -> str:
        if unit.kind == LIST:
            return render_list(unit.node, unit.list_items)
        return render(unit.node)

    # -- the FAQ ---------------------------------------------------------

    def faq_line(self, line: Line, at: int) -> bool:
        """Read one paragraph line inside the FAQ section; False when it is ordinary text."""
        faq = self.faq
        if faq.question is not None and faq.inline and line.indented:
            # More of an answer begun on its question's line.
            faq.answer.append(line.markdown)
            return True
        bold = bool(line.tokens) and line.tokens[0].type == "strong_open"
        if bold and (split := split_question(line)):
            self.flush()
            found = Found(at, b.QUESTION_LINE if not split[1] else b.QUESTION_ITEM)
            self.open_question(split[0], [split[1]], inline=bool(split[1]), found=found)
            return True
        qa = conventions.qa_line(line.plain)
        if qa and qa[0] == "Q" and len(qa[1]) <= MAX_QUESTION_CHARS:
            self.flush()
            question, found = shown(after(line, qa[1])), Found(at, b.QA_LINE)
            self.open_question(question, [], inline=False, found=found)
            return True
        if qa and qa[0] == "A" and faq.question is not None and not faq.inline:
            faq.answer.append(line_markdown(after(line, qa[1])))
            return True
        if not bold and (split := split_question(line)) and not split[1]:
            self.flush()
            found = Found(at, b.QUESTION_LINE)
            self.open_question(split[0], [], inline=False, found=found)
            return True
        if faq.question is not None and not faq.inline:
            faq.answer.append(line.markdown)
            return True
        self.close_faq_item()
        return False

    def read_list(self, i: int) -> None:
        """A list: FAQ questions ("- Why? Because …") in the FAQ section, else text."""
        unit = self.units[i]
        if not self.faq:
            self.add_block(Block("markdown", [self.render_unit(unit)], i, unit.number))
            return
        kept: list[SyntaxTreeNode] = []
        for item in unit.list_items:
            found = self.item_question(item)
            if found:
                self.keep_items(unit, kept, i)
                kept = []
                question, answer = found
                where = Found(self.item_number(unit, item), b.QUESTION_ITEM)
                self.open_question(
                    question, answer, inline=bool(answer[0]), found=where
                )
            elif self.faq.question is not None and not self.faq.inline:
                self.faq.answer.append(render_list(unit.node, [item]))
            else:
                self.close_faq_item()
                kept.append(item)
        self.keep_items(unit, kept, i)
        if self.faq.question is not None:
            self.faq.answer.append("")

    def item_question(self, item: SyntaxTreeNode) -> tuple[str, list[str]] | None:
        """(question, answer) of a list item that opens with a question."""
        first = item.children[0] if item.children else None
        if first is None or first.type != "paragraph":
            return None
        inline = first.children[0].token
        lines = split_lines(inline.children or [], inline.content)
        split = split_question(lines[0])
        if split is None:
            return None
        answer = [split[1]]
        if lines[1:]:
            answer.append(join_lines(lines[1:]))
        for child in item.children[1:]:
            answer += ["", render(child)]
        return split[0], answer

    def item_number(self, unit: Unit, item: SyntaxTreeNode) -> int:
        """The file's number for the first line of a list item."""
        if not (item.map and unit.node.map):
            return unit.number
        return unit.number + item.map[0] - unit.node.map[0]

    def keep_items(self, unit: Unit, items: list[SyntaxTreeNode], i: int) -> None:
        if items:
            markdown = render_list(unit.node, items)
            self.add_block(Block("markdown", [markdown], i, unit.number))

    def answer_text(self, answer: list[str]) -> str:
        return re.sub(r"\n{3,}", "\n\n", "\n".join(answer)).strip()

    def unanswered(self, question: str) -> Block:
        return Block("markdown", [escape_plain(question)], -2)

    # -- the result ------------------------------------------------------

    def take_dateline(self, block: Block) -> str:
        if block.kind != "lines":
            return ""
        first = block.items[0]
        split = conventions.split_dateline(first.plain)
        offset = rest_after(first.plain, split[1]) if split else None
        parts = cut(first.tokens, offset) if offset is not None else None
        if parts is None:
            return ""
        block.items[0] = Line(parts[1], first.indented, first.hard_break)
        return split[0]

    def render(self, block: Block) -> str:
        if block.kind == "quoted":
            return join_lines(block.items)
        if block.kind != "lines":
            return "\n\n".join(block.items)
        points = [labelled(line) for line in block.items]
        if len(points) > 1 and all(points):
            return "\n".join(
                f"- **{escape_markdown(label)}:** {rest.markdown}"
                for label, rest in points
            )
        return join_lines(block.items)
