"""A Markdown article as the parser's blocks, in reading order, and those blocks as Markdown again.

``read_units`` parses the text and lays out what the reader walks through:
headings, each line of each paragraph (the newsroom's conventions live in
lines: "Did you know?", "Table: …", "Share your thoughts: …"), and whole
lists, quotations, tables and rules. ``render`` writes a block back out as
the Markdown a section body stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..tabular import is_pipe_row
from .conventions import byline_names
from .markdown_inline import raw_token, to_markdown
from .markdown_lines import Line, join_lines, split_lines
from .markdown_parser import PARSER, InlineReader
from .text import MAX_HEADING_CHARS, is_rule, is_setext_underline

HEADING, LINE, RULE, LIST, QUOTE, TABLE = (
    "heading",
    "line",
    "rule",
    "list",
    "quote",
    "table",
)
_CONTAINERS = {
    "bullet_list_open": LIST,
    "ordered_list_open": LIST,
    "blockquote_open": QUOTE,
    "table_open": TABLE,
}

# A blank line the reader adds to separate blocks; a blank line written is "".
SPACER = " "
MARKED = "Markdown heading"


@dataclass
class Unit:
    kind: str
    line: Line | None = None  # a heading's text, or one line of a paragraph
    level: int = 0  # of a heading
    node: SyntaxTreeNode | None = None  # a list, quotation or table
    para_end: bool = True  # a line: the last of its paragraph
    source: list[str] = field(
        default_factory=list
    )  # a list, quotation, table as written
    items: list[SyntaxTreeNode] | None = None  # a list: the items left of it
    number: int = 0  # the file's number for its (first) line
    rule: str = ""  # a heading: what made it one

    @property
    def list_items(self) -> list[SyntaxTreeNode]:
        return self.node.children if self.items is None else self.items


def may_be_heading(line: Line) -> bool:
    """Whether a paragraph's line could be a heading written without "#"."""
    text = line.markdown.strip()
    return bool(text) and len(text) <= MAX_HEADING_CHARS and not is_pipe_row(text)


# -- reading -----------------------------------------------------------------


def is_wire_copy(lines: list[str]) -> bool:
    """Markdown written like wire copy, one paragraph per line with hardly a blank line.

    ``lines`` are those after the title. A heading's underline counts as a
    blank line, and so does a byline: they only separate.
    """
    blank = sum(1 for line in lines if not line.strip())
    blank += sum(
        1
        for n in range(1, len(lines))
        if is_setext_underline(lines[n])
        and lines[n - 1].strip()
        and (n == 1 or not lines[n - 2].strip())
    )
    first = next((line for line in lines if line.strip()), "")
    blank += bool(byline_names(first))
    return blank * 4 < len(lines) - blank


_LIST_ITEM = re.compile(r"([-*+]|\d{1,9}[.)])(\s|$)")


def _line_kind(line: str) -> str:
    if _LIST_ITEM.match(line):
        return LIST
    return QUOTE if line.startswith(">") else LINE


def separate_wire_copy(
    lines: list[str], numbers: list[int]
) -> tuple[list[str], list[int]]:
    """``lines`` with a blank line wherever a list or quotation starts or ends.

    In wire copy such a line follows the line before it directly; Markdown
    would read a paragraph line after a list item as more of the item, and
    a numbered item after a paragraph line as more of the paragraph.
    ``numbers`` are the lines' numbers in the file; an added line takes the
    number of the line after it.
    """
    separated: list[str] = []
    separated_numbers: list[int] = []
    previous = None  # the kind of the last line that was not indented
    for line, number in zip(lines, numbers, strict=True):
        if not line.strip():
            previous = None
        elif line[:1] != " ":
            kind = _line_kind(line)
            if previous is not None and kind != previous:
                separated.append(SPACER)
                separated_numbers.append(number)
            previous = kind
        separated.append(line)
        separated_numbers.append(number)
    return separated, separated_numbers


def _closing(tokens: list[Token], index: int) -> int:
    """The index of the token that closes the one at ``index``."""
    depth = 0
    for end in range(index, len(tokens)):
        depth += tokens[end].nesting
        if depth == 0:
            return end
    return len(tokens) - 1


def read_units(
    lines: list[str], numbers: list[int], reader: InlineReader
) -> list[Unit]:
    """The blocks of the Markdown in ``lines`` as units, their inline text tokenised.

    ``numbers`` are the lines' numbers in the file, for the units to carry.
    """
    tokens = PARSER.parse("\n".join(lines), reader.env)

    def number(token: Token, offset: int = 0) -> int:
        start, end = token.map or (0, 1)
        return numbers[min(start + offset, max(end - 1, start), len(numbers) - 1)]

    # An underlined heading needs a blank line written above it, the title
    # or another underlined heading.
    after = {0, tokens[0].map[1] if tokens and tokens[0].map else 0}
    units: list[Unit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            start, end = token.map or (0, 0)
            underlined = token.markup in ("=", "-")
            may = not underlined or start in after or lines[start - 1] == ""
            found = _heading(token, tokens[index + 1], may, reader)
            if underlined and found and found[-1].kind == HEADING:
                after.add(end)
            for n, unit in enumerate(found):
                unit.number = number(token, n)
            units += found
            index += 3
        elif token.type == "paragraph_open":
            found = _lines(reader.lines(tokens[index + 1].content))
            for n, unit in enumerate(found):
                unit.number = number(token, n)
            units += found
            index += 3
        elif token.type == "hr":
            units.append(Unit(RULE, number=number(token)))
            index += 1
        elif token.type in _CONTAINERS:
            end = _closing(tokens, index)
            block = tokens[index : end + 1]
            for inline in block:
                if inline.type == "inline":
                    inline.children = reader.tokens(inline.content)
            node = SyntaxTreeNode(block).children[0]
            start, stop = token.map or (0, 0)
            units.append(
                Unit(
                    _CONTAINERS[token.type],
                    node=node,
                    source=lines[start:stop],
                    number=number(token),
                )
            )
            index = end + 1
        else:
            index += 1
    return units


def _heading(
    token: Token, inline: Token, may: bool, reader: InlineReader
) -> list[Unit]:
    """The heading, or the lines of text it turns out to be (see read_units for ``may``)."""
    level = int(token.tag[1])
    children = reader.tokens(inline.content)
    found = split_lines(children, inline.content)
    if token.markup in ("=", "-"):
        if token.map and token.map[0] == 0 and len(found) == 2:
            # The title, then a heading underlined right under it.
            return _lines(found[:1]) + _heading_or_lines(found[1], level, found[1:])
        if len(found) > 1 or not may:
            return _lines(found)
        return _heading_or_lines(found[0], level, found)
    if not found[0].shown:
        return []
    if len(found[0].shown) > MAX_HEADING_CHARS:
        # Too long to be a heading: a line of text, "#" marks and all.
        return _lines([Line([raw_token(token.markup + " "), *children])])
    return [Unit(HEADING, found[0], level, rule=MARKED)]


def _heading_or_lines(line: Line, level: int, lines: list[Line]) -> list[Unit]:
    if may_be_heading(line):
        return [Unit(HEADING, line, level, rule=MARKED)]
    return _lines(lines)


def _lines(lines) -> list[Unit]:
    """A paragraph's lines; a line of "=====" or "~~~" is a divider, as in plain text."""
    units = []
    for line in lines:
        if is_rule(line.plain):
            if units and units[-1].kind == LINE:
                units[-1].para_end = True
            units.append(Unit(RULE))
        else:
            units.append(Unit(LINE, line, para_end=False))
    if units and units[-1].kind == LINE:
        units[-1].para_end = True
    return units


# -- writing Markdown ------------------------------------------------------


def render(node: SyntaxTreeNode) -> str:
    """A block (paragraph, list, quotation, table…) as Markdown."""
    kind = node.type
    if kind == "paragraph":
        inline = node.children[0].token
        lines = split_lines(inline.children or [], inline.content)
        return join_lines([line for line in lines if not is_rule(line.plain)])
    if kind == "heading":
        return (
            "#" * int(node.tag[1]) + " " + to_markdown(node.children[0].token.children)
        )
    if kind in ("bullet_list", "ordered_list"):
        return render_list(node, node.children)
    if kind == "blockquote":
        inner = "\n\n".join(render(child) for child in node.children).split("\n")
        return "\n".join(f"> {line}" if line else ">" for line in inner)
    if kind == "hr":
        return node.markup
    if kind == "table":
        return _render_table(node)
    return ""


def render_list(node: SyntaxTreeNode, items: list[SyntaxTreeNode]) -> str:
    """The list ``node`` with only ``items``, numbered as they were."""
    tight = not any(
        child.type == "paragraph" and not child.hidden
        for item in items
        for child in item.children
    )
    between = "\n" if tight else "\n\n"
    rendered = []
    for item in items:
        marker = item.info + item.markup if node.type == "ordered_list" else item.markup
        lines = between.join(render(child) for child in item.children).split("\n")
        indent = " " * (len(marker) + 1)
        text = marker + (f" {lines[0]}" if lines[0] else "")
        text += "".join(f"\n{indent}{line}" if line else "\n" for line in lines[1:])
        rendered.append(text)
    return between.join(rendered)


def table_rows(node: SyntaxTreeNode) -> list[list[Token]]:
    """The rows of a table, each a list of its cells' inline tokens."""
    rows = []
    for row in node.walk():
        if row.type == "tr":
            rows.append(
                [cell.children[0].token.children or [] for cell in row.children]
            )
    return rows


def _render_table(node: SyntaxTreeNode) -> str:
    rows = [
        "| " + " | ".join(to_markdown(cell) for cell in row) + " |"
        for row in table_rows(node)
    ]
    if rows:
        width = rows[0].count(" | ") + 1
        rows.insert(1, "|" + "|".join(["---"] * width) + "|")
    return "\n".join(rows)
