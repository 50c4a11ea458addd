"""Tables as text: what editors paste (spreadsheet cells, CSV, pipe tables) and see."""

from __future__ import annotations

import csv
import io
import re

_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


def is_pipe_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1


def is_separator_row(line: str) -> bool:
    return bool(_SEPARATOR_ROW.match(line.strip()))


def split_pipe_row(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in _PIPE_SPLIT.split(inner)]


def parse_table_text(text: str) -> list[list[str]]:
    """Rows of cells from pasted text: tab-separated, pipe table or CSV, detected in that order.

    Short rows are padded with empty cells so every row has the same width.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in normalised.split("\n") if line.strip()]
    if not lines:
        return []
    if any("\t" in line for line in lines):
        rows = [[cell.strip() for cell in line.split("\t")] for line in lines]
    elif all(is_pipe_row(line) for line in lines):
        rows = [split_pipe_row(line) for line in lines if not is_separator_row(line)]
    else:
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO("\n".join(lines)))
        ]
    rows = [row for row in rows if any(cell for cell in row)]
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def rows_to_text(rows: list[list[str]]) -> str:
    """Rows as an editable pipe table, one row per line."""
    return "\n".join(
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
        for row in rows
    )
