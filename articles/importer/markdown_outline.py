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
from .conventions import byline_names, comment_prompt, is_callout_heading
from .markdown_blocks import (
    HEADING,
    LINE,
    LIST,
    MARKED,
    QUOTE,
    Unit,
    may_be_heading,
)
from .markdown_lines import split_lines
from .outline import (
    FAQ_TITLE,
    LISTED,
    LISTED_CLOSE,
    MAX_TOC_ENTRIES,
    Toc,
    align,
    check_title,
    close_matches,
    contents_warnings,
    listed_count,
    listed_headings,
    listed_lines,
    too_long_warning,
    without_headline,
)
from .parsed import Found
from .shapes import looks_like_heading, reads_as_text, standfirst_rule
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
        first = following.node.map[0] if following.node.map else 0
        for n, item in enumerate(following.list_items):
            entry = _entry(item, ordered)
            if entry is None:
                break
            line = following.number + ((item.map or (first,))[0] - first)
            candidates.append((n, *entry, line))
        entries, numbered = listed_headings(candidates)
        if entries:
            toc = Toc(index, index + 2, without_headline(entries, title), numbered)
            return toc, entries[-1][0] + 1
    return None


def _key(unit: Unit) -> str:
    if unit.kind == HEADING or (unit.kind == LINE and may_be_heading(unit.line)):
        return heading_key(unit.line.plain)
    return ""


def apply_contents(
    units: list[Unit], title: str
) -> tuple[list[Unit], int | None, list[str]]:
    """The blocks without the contents list, lines it names made headings.

    Also where the list was among the blocks left, and warnings.
    """
    found = find_contents(units, title)
    if found is None:
        return units, None, []
    toc, taken = found
    if len(toc.entries) > MAX_TOC_ENTRIES:
        return units, None, [too_long_warning(toc, units[toc.start].number)]
    keys = [_key(unit) for unit in units]
    matched = listed_lines(keys[toc.end :], toc.headings)
    if toc.entries and not matched:
        return (
            units,
            None,
            [],
        )  # a list that names no heading of the text is just a list
    count = listed_count(toc, matched)
    if not toc.numbered and toc.entries:
        taken = toc.entries[count - 1].where + 1
    listed = units[toc.start + 1]
    returned = listed.list_items[taken:]
    back = (
        [Unit(LIST, node=listed.node, items=returned, number=listed.number)]
        if returned
        else []
    )
    units = units[: toc.start] + back + units[toc.end :]
    keys = keys[: toc.start] + [""] * len(back) + keys[toc.end :]
    entries = toc.entries[:count]
    headings = [entry.heading for entry in entries]
    aligned = align(keys, headings)
    close = close_matches(keys, headings, aligned)
    for index in aligned | close:
        unit = units[index]
        if unit.kind == LINE:
            rule = LISTED_CLOSE if index in close else LISTED
            units[index] = Unit(HEADING, unit.line, 2, number=unit.number, rule=rule)
    shown = {index: (units[index].line.shown, units[index].number) for index in close}
    return units, toc.start, contents_warnings(entries, aligned | close, shown)


def mark_faq_titles(units: list[Unit]) -> list[Unit]:
    """The blocks with each line that reads "FAQ" or the like made a heading."""
    return [
        Unit(HEADING, unit.line, 2, number=unit.number, rule=FAQ_TITLE)
        if unit.kind == LINE
        and may_be_heading(unit.line)
        and len(unit.line.markdown) < 80
        and is_faq_title(unit.line.plain)
        else unit
        for unit in units
    ]


def take_byline(
    units: list[Unit], found: dict[str, Found]
) -> tuple[list[Unit], list[str]]:
    """The names in a "By …" line first among the blocks, and the blocks without it."""
    if units and units[0].kind == LINE:
        names = byline_names(units[0].line.plain)
        if names:
            found["byline"] = Found(units[0].number, "“By …” line under the headline")
            return units[1:], names
    return units, []


def _first_paragraph(units: list[Unit], wire: bool) -> int:
    """How many of the first blocks make the first paragraph (0: it is not text)."""
    count = 0
    for unit in units:
        if unit.kind != LINE or (count and (wire and not unit.line.indented)):
            break
        count += 1
        if unit.para_end:
            break
    return count


def take_standfirst(
    units: list[Unit], toc_at: int | None, *, wire: bool
) -> tuple[list[Unit], str, Found | None]:
    """The paragraph under the headline that is its standfirst, and the blocks without it.

    Before a contents list; or when the dateline or byline follows it; or,
    in Markdown, when it is emphasised as a whole ("*…*").
    """
    count = _first_paragraph(units, wire)
    if not count or (toc_at is not None and count != toc_at):
        return units, "", None
    lines = [unit.line for unit in units[:count]]
    text = one_line(" ".join(line.shown for line in lines))
    following = units[count] if count < len(units) else None
    after = following.line.plain if following and following.kind == LINE else ""
    opener = lines[0].tokens[0].type if lines[0].tokens else ""
    closer = lines[-1].tokens[-1].type if lines[-1].tokens else ""
    emphasised = (opener, closer) in (
        ("em_open", "em_close"),
        ("strong_open", "strong_close"),
    ) and (following is not None)
    rule = standfirst_rule(
        text, after, before_contents=toc_at is not None, emphasised=emphasised
    )
    if rule is None:
        return units, "", None
    return units[count:], text, Found(units[0].number, rule)


SHAPED = "short line without closing punctuation, with text under it"


def mark_shaped_headings(units: list[Unit], *, wire: bool, has_toc: bool) -> list[Unit]:
    """The blocks with each line that reads as a heading from its shape made one.

    As in plain text: a line on its own, short and without closing
    punctuation, with text under it. Only where the writer marked no heading
    with "#" and listed none; after the comment prompt, always.
    """
    marked = has_toc or any(u.kind == HEADING and u.rule == MARKED for u in units)
    prompt = next(
        (
            n
            for n, unit in enumerate(units)
            if unit.kind == LINE and comment_prompt(unit.line.shown)
        ),
        len(units),
    )
    units = list(units)
    in_faq = False
    for n in range(prompt + 1 if marked else 0, len(units)):
        unit = units[n]
        if unit.kind == HEADING:
            in_faq = unit.rule == FAQ_TITLE or is_faq_title(unit.line.plain)
            continue
        if n == prompt:
            in_faq = False
            continue
        if not _alone(units, n, wire):
            continue
        before = units[n - 1] if n else None
        if before is not None and before.kind == LINE:
            previous = before.line.plain.rstrip()
            if (in_faq and previous.endswith("?")) or is_callout_heading(previous):
                continue
        if looks_like_heading(unit.line.plain) and _heads_text(units, n, wire):
            units[n] = Unit(HEADING, unit.line, 2, number=unit.number, rule=SHAPED)
    return units


def _alone(units: list[Unit], n: int, wire: bool) -> bool:
    """Whether the line ``units[n]`` is a paragraph by itself."""
    unit = units[n]
    if unit.kind != LINE:
        return False
    following = units[n + 1] if n + 1 < len(units) else None
    if wire:
        continued = (
            following is not None
            and following.kind == LINE
            and (following.line.indented)
        )
        return not unit.line.indented and not continued
    before = units[n - 1] if n else None
    return unit.para_end and (before is None or before.kind != LINE or before.para_end)


def _heads_text(units: list[Unit], n: int, wire: bool) -> bool:
    """Whether text follows ``units[n]``, or a heading-like line with text under it."""
    for step in (1, 2):
        if n + step >= len(units):
            return False
        unit = units[n + step]
        if unit.kind == HEADING:
            return step == 1
        if unit.kind in (LIST, QUOTE):
            return True
        if unit.kind != LINE:
            return False
        if not (_alone(units, n + step, wire) and looks_like_heading(unit.line.plain)):
            return reads_as_text(unit.line.plain)
    return False
