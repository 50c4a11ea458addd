"""Where an article's title, table of contents and headings are.

The contents list is matched to the headings it names with ``align``, shared
by both readers; the rest of this module finds them in the lines of a plain
text article (the Markdown reader finds them among its parsed blocks).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from ..tabular import is_pipe_row
from . import text
from .conventions import bullet_item, quoted_line, toc_entry
from .errors import ArticleParseError

# A news article has a handful of sections. Matching a contents list to the
# text can cost up to its length squared (see align), so a list longer than
# this is kept as a list.
MAX_TOC_ENTRIES = 1000


def check_title(title: str, *, refused: bool) -> str:
    """``title`` if it can be the article's title; ``refused`` when its line is something else."""
    if refused or not text.has_visible_text(title):
        raise ArticleParseError("the first line must be the article's title")
    if len(title) > text.MAX_TITLE_CHARS:
        raise ArticleParseError(
            f"the first line must be the title, and it has {len(title)} characters "
            f"(a title may have at most {text.MAX_TITLE_CHARS})"
        )
    return title


def find_title(lines: list[str], start: int) -> tuple[str, int]:
    raw = lines[start]
    heading = text.markdown_heading(raw)
    following = start + 1
    if heading:
        title = heading[1]
    else:
        title = text.strip_bidi_controls(raw).strip()
        if title.casefold().startswith("title:"):
            title = title[len("title:") :]
        if following < len(lines) and text.is_setext_underline(lines[following]):
            following += 1
        title = text.one_line(title)
    refused = (
        is_pipe_row(raw)
        or text.is_toc_title(raw)
        or (not heading and (bullet_item(raw) or text.is_rule(raw)))
    )
    return check_title(title, refused=bool(refused)), following


@dataclass
class Toc:
    start: int  # where the "Table of Contents" title is
    end: int  # just after the list
    entries: list[tuple[int, str]]  # (where, heading)
    numbered: bool

    @property
    def headings(self) -> list[str]:
        return [heading for _, heading in self.entries]


def listed_headings(
    candidates: Iterable[tuple[int, int | None, str]],
) -> tuple[list[tuple[int, str]], bool]:
    """The (where, heading) entries of a contents list, and whether it is numbered.

    ``candidates`` are (where, number or None, heading) in order. The list
    ends where its numbering restarts or is lost: what follows is text.
    """
    entries, numbered, last = [], None, 0
    for where, number, heading in candidates:
        if numbered is None:
            numbered = number is not None
        if numbered != (number is not None) or (numbered and number <= last):
            break
        last = number or 0
        entries.append((where, heading))
    return entries, bool(numbered)


def without_headline(
    entries: list[tuple[int, str]], title: str
) -> list[tuple[int, str]]:
    """The entries without the headline, which some lists give first: it is not a section."""
    if entries and text.heading_key(entries[0][1]) == text.heading_key(title):
        return entries[1:]
    return entries


def listed_count(toc: Toc, matched: dict[int, int]) -> int:
    """How many entries of the list are contents; the others go back to the text.

    An unnumbered list running on past the last heading found (``matched``
    maps places after the list to entries) is the article's first list.
    """
    if toc.numbered or not toc.entries:
        return len(toc.entries)
    return max(matched.values(), default=-1) + 1


def unmatched_warnings(headings: list[str], aligned: dict[int, int]) -> list[str]:
    used = set(aligned.values())
    return [
        f"“{heading}” is listed in the table of contents but no line of the text matches it"
        for n, heading in enumerate(headings)
        if n not in used
    ]


def align(keys: list[str], headings: list[str]) -> dict[int, int]:
    """Map line index → heading index for the longest in-order match of headings to lines.

    ``keys`` are the lines' heading keys ("" for lines that cannot be
    headings). A longest increasing subsequence over the (line, heading)
    pairs that match, so a stray line that happens to repeat a later heading
    cannot swallow the headings before it.
    """
    by_key: dict[str, list[int]] = {}
    for n, heading in enumerate(headings):
        key = text.heading_key(heading)
        if key:
            by_key.setdefault(key, []).append(n)
    tails: list[int] = []
    nodes: list[tuple[int, int, tuple | None]] = []
    # Each entry of tails only ever decreases, so tails changes at most
    # len(headings)² times. A key that changed nothing last time changes
    # nothing now unless tails moved since: thousands of lines repeating a
    # listed heading cost one pass each over that heading's entries.
    version, idle = 0, {}
    for i, key in enumerate(keys):
        if key not in by_key or idle.get(key) == version:
            continue
        changed = False
        for n in reversed(by_key[key]):
            pos = bisect.bisect_left(tails, n)
            if pos < len(tails) and tails[pos] == n:
                continue  # keep the first line for this heading
            node = (i, n, nodes[pos - 1] if pos else None)
            if pos == len(tails):
                tails.append(n)
                nodes.append(node)
            else:
                tails[pos], nodes[pos] = n, node
            changed = True
        if changed:
            version += 1
        else:
            idle[key] = version
    result: dict[int, int] = {}
    node = nodes[-1] if nodes else None
    while node is not None:
        result[node[0]] = node[1]
        node = node[2]
    return result


def too_long_warning(toc: Toc) -> str:
    return (
        f"the table of contents lists {len(toc.entries)} headings (at most "
        f"{MAX_TOC_ENTRIES}); it was kept as a list"
    )


# -- in the lines of plain text ----------------------------------------------


def find_toc(body: list[str], title: str) -> Toc | None:
    """The table of contents near the top of the body, if there is one."""
    seen = 0
    for index, line in enumerate(body):
        if not line.strip():
            continue
        seen += 1
        if seen > 10:
            return None
        if not text.is_toc_title(line) or bullet_item(line):
            continue
        candidates = []
        for j in range(index + 1, len(body)):
            if not body[j].strip():
                continue
            entry = toc_entry(body[j])
            if entry is None:
                break
            candidates.append((j, *entry))
        entries, numbered = listed_headings(candidates)
        if entries:
            end = entries[-1][0] + 1
            return Toc(index, end, without_headline(entries, title), numbered)
    return None


def find_toc_headings(
    body: list[str], title: str
) -> tuple[list[str], dict[int, tuple[str, int]], list[str]]:
    """The body without its contents list, where its sections start, and warnings.

    Headings are line index → (heading text, level); see ``find_headings``.
    """
    toc = find_toc(body, title)
    if toc and len(toc.entries) > MAX_TOC_ENTRIES:
        return body, find_headings(body, {}), [too_long_warning(toc)]
    keys = line_keys(body) if toc else []
    matched = align(keys[toc.end :], toc.headings) if toc else {}
    if toc is None or (toc.entries and not matched):
        # No list, or a list that names no heading of the text: just a list.
        return body, find_headings(body, {}), []
    count = listed_count(toc, matched)
    returned = slice(0, 0)
    if not toc.numbered and toc.entries:
        returned = slice(toc.entries[count - 1][0] + 1, toc.end)
    headings = toc.headings[:count]
    new_body = body[: toc.start] + body[returned] + body[toc.end :]
    new_keys = keys[: toc.start] + keys[returned] + keys[toc.end :]
    aligned = align(new_keys, headings)
    return (
        new_body,
        find_headings(new_body, aligned),
        unmatched_warnings(headings, aligned),
    )


def line_keys(lines: list[str]) -> list[str]:
    """The heading_key of each line that may be a heading, "" for the others."""
    return [text.heading_key(line) if may_be_heading(line) else "" for line in lines]


def may_be_heading(line: str) -> bool:
    stripped = line.strip()
    return bool(
        stripped
        and len(stripped) <= text.MAX_HEADING_CHARS
        and bullet_item(line) is None
        and not is_pipe_row(line)
        and quoted_line(line) is None
    )


def find_headings(
    lines: list[str], aligned: dict[int, int]
) -> dict[int, tuple[str, int]]:
    """Line index → (heading text, level) for every line that starts a section.

    ``aligned`` holds the lines that match the table of contents (see ``align``);
    otherwise only an FAQ title makes a heading in plain text.
    """
    headings: dict[int, tuple[str, int]] = {}
    for i in aligned:
        heading = text.markdown_heading(lines[i])
        level = heading[0] if heading else 2
        headings[i] = (text.heading_text(lines[i]), level)
    for i, line in enumerate(lines):
        if (
            i not in headings
            and may_be_heading(line)
            and len(line) < 80
            and text.is_faq_title(line)
        ):
            headings[i] = (text.heading_text(line), 2)
    return headings
