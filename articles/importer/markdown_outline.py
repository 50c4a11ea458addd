"""Where a Markdown article's title, table of contents, headings and byline are.

The parser's "#" headings are sections already. Around them: the title is
the first block; a "Contents" line followed by a list names headings that
lines written without "#" may also stand for (matched as in plain text,
with ``outline.align``); a line that reads "FAQ" is a heading too; and a
"By …" line under the title is the byline.
"""

from __future__ import annotations

from markdown_it.tree import SyntaxTreeNode

from ..tabular import is_pipe_row
from .conventions import byline_names
from .markdown_blocks import HEADING, LINE, LIST, Unit, may_be_heading
from .markdown_lines import split_lines
from .outline import (
    MAX_TOC_ENTRIES,
    Toc,
    align,
    check_title,
    listed_count,
    listed_headings,
    too_long_warning,
    unmatched_warnings,
    without_headline,
)
from .text import heading_key, is_faq_title, is_toc_title, one_line

# The contents list is looked for in the first lines after the title.
TOC_SEARCH = 10


def find_title(units: list[Unit]) -> tuple[str, list[Unit]]:
    """The title, from the first block, and the blocks after it."""
    first = units[0] if units else Unit("")
    if first.kind not in (HEADING, LINE):
        check_title("", refused=True)
    title = first.line.shown
    if first.kind == LINE and title.casefold().startswith("title:"):
        title = one_line(title[len("title:") :])
    refused = is_toc_title(first.line.plain) or (
        first.kind == LINE and is_pipe_row(first.line.markdown)
    )
    return check_title(title, refused=refused), units[1:]


def _entry(item: SyntaxTreeNode, ordered: bool) -> tuple[int | None, str] | None:
    """(number or None, heading) of a contents list item like "- 3. Reaction"."""
    number = int(item.info) if ordered else None
    children = item.children
    if (
        not ordered
        and len(children) == 1
        and children[0].type == "ordered_list"
        and len(children[0].children) == 1
    ):
        inner = children[0].children[0]  # "- 3. Reaction": a list in a list
        number, children = int(inner.info), inner.children
    if len(children) != 1 or children[0].type != "paragraph":
        return None
    inline = children[0].children[0].token
    lines = split_lines(inline.children or [])
    if len(lines) != 1 or not lines[0].shown:
        return None
    return number, lines[0].shown


def find_contents(units: list[Unit], title: str) -> tuple[Toc, int] | None:
    """The contents list near the top, and how many of its items it takes.

    ``Toc.start`` is the "Contents" line's place and ``Toc.end`` the place
    after its list; the entries' places are items of that list.
    """
    seen = 0
    for index, unit in enumerate(units):
        seen += sum(1 for line in unit.source if line.strip()) if unit.source else 1
        if seen > TOC_SEARCH:
            return None
        if unit.kind not in (HEADING, LINE) or not is_toc_title(unit.line.plain):
            continue
        following = units[index + 1] if index + 1 < len(units) else None
        if following is None or following.kind != LIST:
            continue
        ordered = following.node.type == "ordered_list"
        candidates = []
        for n, item in enumerate(following.list_items):
            entry = _entry(item, ordered)
            if entry is None:
                break
            candidates.append((n, *entry))
        entries, numbered = listed_headings(candidates)
        if entries:
            toc = Toc(index, index + 2, without_headline(entries, title), numbered)
            return toc, entries[-1][0] + 1
    return None


def _key(unit: Unit) -> str:
    if unit.kind == HEADING or (unit.kind == LINE and may_be_heading(unit.line)):
        return heading_key(unit.line.plain)
    return ""


def apply_contents(units: list[Unit], title: str) -> tuple[list[Unit], list[str]]:
    """The blocks without the contents list, lines it names made headings; and warnings."""
    found = find_contents(units, title)
    if found is None:
        return units, []
    toc, taken = found
    if len(toc.entries) > MAX_TOC_ENTRIES:
        return units, [too_long_warning(toc)]
    keys = [_key(unit) for unit in units]
    matched = align(keys[toc.end :], toc.headings)
    if toc.entries and not matched:
        return units, []  # a list that names no heading of the text is just a list
    count = listed_count(toc, matched)
    if not toc.numbered and toc.entries:
        taken = toc.entries[count - 1][0] + 1
    listed = units[toc.start + 1]
    returned = listed.list_items[taken:]
    back = [Unit(LIST, node=listed.node, items=returned)] if returned else []
    units = units[: toc.start] + back + units[toc.end :]
    keys = keys[: toc.start] + [""] * len(back) + keys[toc.end :]
    headings = toc.headings[:count]
    aligned = align(keys, headings)
    for index in aligned:
        if units[index].kind == LINE:
            units[index] = Unit(HEADING, units[index].line, 2)
    return units, unmatched_warnings(headings, aligned)


def mark_faq_titles(units: list[Unit]) -> list[Unit]:
    """The blocks with each line that reads "FAQ" or the like made a heading."""
    return [
        Unit(HEADING, unit.line, 2)
        if unit.kind == LINE
        and may_be_heading(unit.line)
        and len(unit.line.markdown) < 80
        and is_faq_title(unit.line.plain)
        else unit
        for unit in units
    ]


def take_byline(units: list[Unit]) -> tuple[list[Unit], list[str]]:
    """The names in a "By …" line first after the title, and the blocks without it."""
    if units and units[0].kind == LINE:
        names = byline_names(units[0].line.plain)
        if names:
            return units[1:], names
    return units, []
