"""Tables in a Markdown article: the parser's pipe tables, and the ones it does not know.

Markdown's tables need a "---" row under the header; the newsroom also
writes headerless tables ("| a | b |" rows only), which the parser leaves in
a paragraph, so those are read from the paragraph's lines. Either way a
table may have a "Table:" caption before it and a caption or "Source:" note
after it, and a table too odd to show (too wide, one row) stays text.
"""

from __future__ import annotations

from ..tabular import (
    is_pipe_row,
    is_separator_row,
    split_pipe_row,
    table_rows_errors,
)
from . import conventions as c
from .builder import ArticleBuilder, Block
from .markdown_blocks import LINE, TABLE, Unit, table_rows
from .markdown_inline import shown
from .markdown_lines import cells, is_separator
from .markdown_parser import InlineReader
from .parsed import Found, ParsedTable
from .tables import (
    CAPTION_ABOVE,
    CAPTION_LINE,
    TABLE_RULES,
    first_row_is_header,
    fit_rows,
)
from .text import collapse_spaces

CAPTION_HEADING = "heading reading “Table: …” right above the table"

__all__ = ["CAPTION_ABOVE", "CAPTION_HEADING", "CAPTION_LINE", "MarkdownTables"]


class MarkdownTables(ArticleBuilder):
    """Reads tables for ``MarkdownParser``, from its units."""

    units: list[Unit]
    reader: InlineReader
    # (caption, place, rule) of a caption just before a table.
    pending_caption: tuple[str, int, str] | None = None

    def starts_rows(self, i: int) -> bool:
        """Pipe rows in a paragraph start a table: "| … |" twice, or "a | b" over "--- | ---"."""
        units = self.units
        if i + 1 >= len(units) or units[i].para_end or units[i + 1].kind != LINE:
            return False
        first, second = units[i].line, units[i + 1].line
        if is_pipe_row(first.markdown) and is_pipe_row(second.markdown):
            return True
        return "|" in first.plain and is_separator(second)

    def starts_table(self, i: int) -> bool:
        return i < len(self.units) and (
            self.units[i].kind == TABLE or self.starts_rows(i)
        )

    def read_rows(self, i: int) -> int:
        """A table Markdown does not know: headerless, or a separator short of cells."""
        units = self.units
        loose = not is_pipe_row(units[i + 1].line.markdown)
        j = i
        while (
            j < len(units)
            and units[j].kind == LINE
            and (j == i or not units[j - 1].para_end)
        ):
            line = units[j].line
            if not (("|" in line.plain) if loose else is_pipe_row(line.markdown)):
                break
            j += 1
        written = [unit for unit in units[i:j] if not is_separator(unit.line)]
        rows = [cells(unit.line.tokens) for unit in written]
        separated = is_separator(units[i + 1].line)
        lines = [unit.line.markdown for unit in units[i:j]]
        numbers = [unit.number for unit in written]
        return self.add_rows(rows, separated, numbers, lines, i, j)

    def read_table(self, i: int) -> int:
        unit = self.units[i]
        # Rows as written: the header, then (after the separator) the body.
        written = unit.source[:1] + unit.source[2:]
        numbers = [unit.number] + [unit.number + n for n in range(2, len(unit.source))]
        rows, kept = [], []
        for cells_tokens, line, number in zip(
            table_rows(unit.node), written, numbers, strict=False
        ):
            if is_separator_row(collapse_spaces(line)):
                continue  # another separator: plain text never took it for data
            typed = split_pipe_row(line)
            # The parser fills short rows and drops cells beyond the header's:
            # the row as typed is fitted to the table later, with a warning.
            row = [shown(cell) for cell in cells_tokens][: len(typed)]
            extra = typed[len(row) :] if len(typed) > len(cells_tokens) else []
            rows.append(row + [shown(self.reader.tokens(cell)) for cell in extra])
            kept.append(number)
        return self.add_rows(rows, True, kept, unit.source, i, i + 1)

    def add_rows(
        self,
        rows: list[list[str]],
        separated: bool,
        numbers: list[int],
        written: list[str],
        i: int,
        j: int,
    ) -> int:
        """The table, with its caption and source note; returns the place after them."""
        header = separated or first_row_is_header(rows)
        rows, row_warnings = fit_rows(rows, numbers, header=header)
        at = self.units[i].number
        pending, self.pending_caption = self.pending_caption, None
        problems = table_rows_errors(rows) if len(rows) > 1 else ["too few rows"]
        if problems:
            # Too odd to be a table: keep every line, caption included, as text.
            if len(rows) > 1:
                self.kept_as_text(written[0], problems[0], at)
            if pending:
                place = self.units[pending[1]]
                heading = "#" * place.level + " " if place.kind != LINE else ""
                written = [heading + place.line.markdown, *written]
            for line in written:
                self.add_block(Block("markdown", [line], i, at))
            return j
        self.warnings += row_warnings
        caption, source = pending[0] if pending else "", ""
        caption_found = (
            Found(self.units[pending[1]].number, pending[2]) if pending else None
        )
        for _ in range(2):
            if j >= len(self.units) or self.units[j].kind != LINE:
                break
            if self.starts_table(j + 1):
                break  # a caption line there belongs to the next table
            shown_text = self.units[j].line.shown
            if not caption and (found := c.caption_line(shown_text)):
                caption_found = Found(self.units[j].number, CAPTION_LINE)
                caption, j = found, j + 1
            elif not source and (found := c.source_line(shown_text)):
                source, j = found, j + 1
            else:
                break
        if not caption:
            self.no_caption(at)
        found = Found(at, TABLE_RULES[separated, header])
        self.add_table(ParsedTable(rows, header, caption, source, found, caption_found))
        return j
