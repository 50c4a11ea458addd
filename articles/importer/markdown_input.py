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
from . import conventions
from .builder import Block
from .markdown_blocks import (
    HEADING,
    LINE,
    LIST,
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
from .markdown_outline import apply_contents, find_title, mark_faq_titles, take_byline
from .markdown_parser import PARSER, InlineReader
from .markdown_tables import MarkdownTables
from .parsed import ParsedArticle
from .text import MAX_QUESTION_CHARS, escape_plain


def parse_markdown(lines: list[str], start: int) -> ParsedArticle:
    """The article in the Markdown ``lines``, whose title is on line ``start``."""
    wire = is_wire_copy(lines[start + 1 :])
    text = separate_wire_copy(lines[start:]) if wire else lines[start:]
    reader = InlineReader(PARSER)
    title, units = find_title(read_units(text, reader))
    units, warnings = apply_contents(units, title)
    units, byline = take_byline(mark_faq_titles(units))
    parser = MarkdownParser(units, title=title, wire=wire, reader=reader)
    parser.run()
    article = parser.finish(is_markdown=True)
    article.byline = byline
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
                self.heading(unit.line.shown, unit.level)
            elif unit.kind == TABLE:
                i = self.read_table(i)
                continue
            elif unit.kind == LIST:
                self.read_list(i)
            elif unit.kind == QUOTE:
                self.read_quote(i)
            i += 1
        self.flush()
        self.close_faq()

    def line(self, i: int) -> int:
        unit = self.units[i]
        line = unit.line
        if not self.prompt and (prompt := conventions.comment_prompt(line.shown)):
            self.flush()
            self.prompt = prompt
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
            self.pending_caption = (caption, i)
        elif self.faq and self.faq_line(line):
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

    def continues(self, line: Line) -> bool:
        """Whether a wire-copy line belongs to the paragraph before it."""
        return line.indented or bool(labelled(self.buffer[-1]) and labelled(line))

    def flush(self) -> None:
        if self.buffer:
            lines, self.buffer = self.buffer, []
            self.add_block(Block("lines", lines, self.buffer_start + len(lines)))

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
            self.add_block(Block("lines", [unit.line], i))  # a box with nothing in it
            return i + 1
        self.add_callout(blocks)
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
                    self.add_callout(blocks)
                    return
            elif not self.prompt and (prompt := conventions.comment_prompt(item.shown)):
                self.quote_text(items[start:k], i)
                self.prompt = prompt
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
            self.add_block(Block("markdown", [markdown], i))

    def render_unit(self, unit: Unit) -> str:
        if unit.kind == LIST:
            return render_list(unit.node, unit.list_items)
        return render(unit.node)

    # -- the FAQ ---------------------------------------------------------

    def faq_line(self, line: Line) -> bool:
        """Read one paragraph line inside the FAQ section; False when it is ordinary text."""
        faq = self.faq
        if faq.question is not None and faq.inline and line.indented:
            # More of an answer begun on its question's line.
            faq.answer.append(line.markdown)
            return True
        bold = bool(line.tokens) and line.tokens[0].type == "strong_open"
        if bold and (split := split_question(line)):
            self.flush()
            self.open_question(split[0], [split[1]], inline=bool(split[1]))
            return True
        qa = conventions.qa_line(line.plain)
        if qa and qa[0] == "Q" and len(qa[1]) <= MAX_QUESTION_CHARS:
            self.flush()
            self.open_question(shown(after(line, qa[1])), [], inline=False)
            return True
        if qa and qa[0] == "A" and faq.question is not None and not faq.inline:
            faq.answer.append(line_markdown(after(line, qa[1])))
            return True
        if not bold and (split := split_question(line)) and not split[1]:
            self.flush()
            self.open_question(split[0], [], inline=False)
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
            self.add_block(Block("markdown", [self.render_unit(unit)], i))
            return
        kept: list[SyntaxTreeNode] = []
        for item in unit.list_items:
            found = self.item_question(item)
            if found:
                self.keep_items(unit, kept, i)
                kept = []
                question, answer = found
                self.open_question(question, answer, inline=bool(answer[0]))
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

    def keep_items(self, unit: Unit, items: list[SyntaxTreeNode], i: int) -> None:
        if items:
            self.add_block(Block("markdown", [render_list(unit.node, items)], i))

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
