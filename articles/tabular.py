"""Tables as text: what editors paste (spreadsheet cells, CSV, pipe tables) and see."""

from __future__ import annotations

import csv
import io
import re

# Possessive quantifiers: a long run of spaces cannot make matching backtrack.
_SEPARATOR_ROW = re.compile(r"^\|?\s*+:?-++:?\s*+(?:\|\s*+:?-++:?\s*+)*+\|?\s*$")


def is_pipe_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1


def is_separator_row(line: str) -> bool:
    return bool(_SEPARATOR_ROW.match(line.strip()))


def split_pipe_row(line: str) -> list[str]:
    """Cells of one ``| a | b |`` line; ``\\|`` is a literal bar and ``\\\\`` a backslash."""
    cells, current, escaped = [], [], False
    for character in line.strip():
        if escaped:
            current.append(character if character in "|\\" else "\\" + character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(character)
    if escaped:
        current.append("\\")
    cells.append("".join(current))
    # The outer bars leave an empty first and last cell behind.
    if cells and not cells[0].strip():
        cells = cells[1:]
    if len(cells) > 1 and not cells[-1].strip():
        cells = cells[:-1]
    return [cell.strip() for cell in cells]


def parse_table_text(text: str) -> list[list[str]]:
    """Rows of cells from pasted text: tab-separated, pipe table or CSV, detected in that order.

    Short rows are padded with empty cells so every row has the same width.
    """
    return squared(read_table_text(text))


def read_table_text(text: str) -> list[list[str]]:
    """``parse_table_text`` without the padding: each row as wide as it was pasted.

    Blank lines are dropped, so row numbers count the table's rows.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in normalised.split("\n") if line.strip()]
    if not lines:
        return []
    if any("\t" in line for line in lines):
        rows = [line.split("\t") for line in lines]
    elif all(is_pipe_row(line) for line in lines):
        # Only the line under the headings can be Markdown's separator; a row of
        # dashes anywhere else is data.
        if len(lines) > 1 and is_separator_row(lines[1]):
            lines = [lines[0], *lines[2:]]
        rows = [split_pipe_row(line) for line in lines]
    else:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines))))
        except csv.Error as error:
            raise ValueError(
                f"This text could not be read as a table ({error})."
            ) from None
    # A cell is one line of text; line breaks inside a quoted CSV cell become spaces.
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    return [row for row in rows if any(cell for cell in row)]


def squared(rows: list[list[str]]) -> list[list[str]]:
    """Rows without empty ones, short rows padded so every row is as wide as the widest."""
    rows = [row for row in rows if any(cell for cell in row)]
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def rows_to_text(rows: list[list[str]]) -> str:
    """Rows as an editable pipe table, one row per line; parse_table_text reads it back."""
    lines = [
        "| "
        + " | ".join(cell.replace("\\", "\\\\").replace("|", "\\|") for cell in row)
        + " |"
        for row in rows
    ]
    if len(lines) > 1:
        # Under the first row, so that a data row of dashes is never taken for one.
        lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


# Bounds that keep a table readable on a page and cheap to render.
MAX_TABLE_ROWS = 500
MAX_TABLE_COLUMNS = 20
MAX_CELL_CHARS = 1000


def table_rows_errors(rows) -> list[str]:
    """Return what is wrong with a table's rows (empty when they are fine)."""
    if not isinstance(rows, list) or not rows:
        return ["A table needs at least one row."]
    if len(rows) > MAX_TABLE_ROWS:
        return [f"A table may have at most {MAX_TABLE_ROWS} rows."]
    if not all(
        isinstance(r, list) and all(isinstance(c, str) for c in r) for r in rows
    ):
        return ["Every row must be a list of text cells."]
    widths = {len(r) for r in rows}
    if 0 in widths:
        return ["Rows may not be empty."]
    if max(widths) > MAX_TABLE_COLUMNS:
        return [f"A table may have at most {MAX_TABLE_COLUMNS} columns."]
    if len(widths) > 1:
        return ragged_rows_errors(rows)
    if any(len(c) > MAX_CELL_CHARS for r in rows for c in r):
        return [f"A cell may hold at most {MAX_CELL_CHARS} characters."]
    return []


# A ragged table names this many of its odd rows, then says how many more.
_RAGGED_ROWS_NAMED = 3


def ragged_rows_errors(
    rows: list[list[str]], *, has_header_row: bool = False
) -> list[str]:
    """Name the rows whose number of cells differs from the first row's (empty: none).

    Counted from 1 as the editor sees them, each with its first cell so the
    row can be found in a long paste.
    """
    width = len(rows[0]) if rows else 0
    odd = [(n, row) for n, row in enumerate(rows[1:], start=2) if len(row) != width]
    if not odd:
        return []
    first = "the header row" if has_header_row else "row 1"
    errors = [
        f"Row {n} has {_cells(len(row))}; {first} has {width}. Every "
        f"row must have the same number of cells{_begins(n, row)}."
        for n, row in odd[:_RAGGED_ROWS_NAMED]
    ]
    if len(odd) > _RAGGED_ROWS_NAMED:
        more = len(odd) - _RAGGED_ROWS_NAMED
        errors.append(
            "1 more row differs too." if more == 1 else f"{more} more rows differ too."
        )
    return errors


def _cells(count: int) -> str:
    return f"{count} cell" if count == 1 else f"{count} cells"


def _begins(number: int, row: list[str]) -> str:
    cell = next((c for c in row if c), "")
    if len(cell) > 30:
        cell = cell[:30] + "…"
    return f" (row {number} begins “{cell}”)" if cell else ""
