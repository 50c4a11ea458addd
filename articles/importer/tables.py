"""Pipe tables as written, made into the rectangles the site shows.

Writers leave out the "|---|" row under the headings, and miscount their
cells. A first row that reads as headings becomes the header anyway; a row
with too few or too many cells is fitted to the table's columns and named in
a warning, never given a column of its own without a heading.
"""

from __future__ import annotations

import re
from collections import Counter

from .shapes import ends_like_a_sentence

_FIGURE = re.compile(r"[-+−–]?[£$€¥]?\s?[\d.,]+\s?(%|[a-zA-Z]{0,3})?")
MAX_HEADER_CELL_CHARS = 40
MAX_HEADER_CELL_WORDS = 5

CAPTION_ABOVE = "short line right above the table"
CAPTION_LINE = "“Table:” line"
# (separator row written, first row is the header) → how the table was read.
TABLE_RULES = {
    (True, True): "pipe table with a “|---|” row under its header",
    (False, True): "pipe rows; the first row reads as the header",
    (False, False): "pipe rows without a header",
}


def is_figure(cell: str) -> bool:
    """ "2,300", "4.5%", "£12m", "−3": a cell that holds a number."""
    cell = cell.strip()
    return (
        bool(cell)
        and any(ch.isdigit() for ch in cell)
        and bool(_FIGURE.fullmatch(cell))
    )


def first_row_is_header(rows: list[list[str]]) -> bool:
    """Whether the first row names the columns below it.

    It does when its cells are short labels, and either a column of figures
    sits under one of them or every label is shorter than anything in its
    column ("Name" over "Ana Silva", but not "North route" over "South route").
    """
    if len(rows) < 2:
        return False
    head, body = rows[0], rows[1:]
    if not all(
        cell.strip()
        and not is_figure(cell)
        and len(cell) <= MAX_HEADER_CELL_CHARS
        and len(cell.split()) <= MAX_HEADER_CELL_WORDS
        and not ends_like_a_sentence(cell)
        for cell in head
    ):
        return False
    columns = [
        [row[n] for row in body if n < len(row) and row[n].strip()]
        for n in range(len(head))
    ]
    if any(head[n] in column for n, column in enumerate(columns)):
        return False  # the same words again below: data, not a label
    if any(column and all(is_figure(v) for v in column) for column in columns):
        return True
    return all(cell[:1].isupper() for cell in head) and all(
        column and len(head[n]) < min(len(v) for v in column)
        for n, column in enumerate(columns)
    )


def fit_rows(
    rows: list[list[str]], lines: list[int], *, header: bool
) -> tuple[list[list[str]], list[str]]:
    """The rows as wide as the table, and a warning naming each line that was not.

    The table is as wide as its header, or as most of its rows without one.
    ``lines`` are the rows' numbers in the file.
    """
    kept = [(row, line) for row, line in zip(rows, lines, strict=True) if any(row)]
    if not kept:
        return [], []
    widths = Counter(len(row) for row, _ in kept)
    first = len(kept[0][0])
    width = first if header else max(widths, key=lambda w: (widths[w], w == first))
    fitted, warnings = [], []
    for row, line in kept:
        if len(row) < width:
            warnings.append(
                f"line {line}: this row has {_cells(len(row))} but the table has "
                f"{width} columns; the missing cells were left empty"
            )
            row = row + [""] * (width - len(row))
        elif len(row) > width:
            warnings.append(
                f"line {line}: this row has {_cells(len(row))} but the table has "
                f"{width} columns; the extra cells were joined to the last one"
            )
            row = [*row[: width - 1], " | ".join(c for c in row[width - 1 :] if c)]
        fitted.append(row)
    return fitted, warnings


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"
