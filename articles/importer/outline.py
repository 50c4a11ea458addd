"""Where an article's title, table of contents and headings are."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..tabular import is_pipe_row
from . import text as t
from .errors import ArticleParseError


def find_title(lines: list[str], start: int, markdown: bool) -> tuple[str, int]:
    raw = lines[start]
    heading = t.markdown_heading(raw)
    following = start + 1
    if heading:
        title = heading[1]
    else:
        title = t.strip_bidi_controls(raw).strip()
        if title.casefold().startswith("title:"):
            title = title[len("title:") :]
        if following < len(lines) and t.is_setext_underline(lines[following]):
            following += 1
        title = t.inline_text(title, markdown)
    if (
        not t.has_visible_text(title)
        or is_pipe_row(raw)
        or t.is_toc_title(raw)
        or (not heading and (t.bullet_item(raw) or t.is_rule(raw)))
    ):
        raise ArticleParseError("the first line must be the article's title")
    if len(title) > t.MAX_TITLE_CHARS:
        raise ArticleParseError(
            f"the first line must be the title, and it has {len(title)} characters "
            f"(a title may have at most {t.MAX_TITLE_CHARS})"
        )
    return title, following


# A news article has a handful of sections. Matching a contents list to the
# text can cost up to its length squared (see align), so a list longer than
# this is kept as a list.
MAX_TOC_ENTRIES = 1000


@dataclass
class Toc:
    start: int  # index of the "Table of Contents" line
    end: int  # first line after the list
    entries: list[tuple[int, str]]  # (line index, heading)
    numbered: bool

    @property
    def headings(self) -> list[str]:
        return [heading for _, heading in self.entries]


def find_toc(body: list[str], title: str) -> Toc | None:
    """The table of contents near the top of the body, if there is one."""
    seen = 0
    for index, line in enumerate(body):
        if not line.strip():
            continue
        seen += 1
        if seen > 10:
            return None
        if not t.is_toc_title(line) or t.bullet_item(line):
            continue
        entries, numbered, last, end = [], None, 0, index + 1
        for j in range(index + 1, len(body)):
            if not body[j].strip():
                continue
            entry = t.toc_entry(body[j])
            if entry is None:
                break
            number, heading = entry
            if numbered is None:
                numbered = number is not None
            # A numbered list that restarts or loses its numbers is body text.
            if numbered != (number is not None) or (numbered and number <= last):
                break
            last = number or 0
            entries.append((j, heading))
            end = j + 1
        if entries:
            if t.heading_key(entries[0][1]) == t.heading_key(title):
                entries = entries[1:]  # the headline, listed first, is not a section
            return Toc(index, end, entries, bool(numbered))
    return None


def apply_toc(
    body: list[str], keys: list[str], toc: Toc, matched: dict[int, int], markdown: bool
) -> tuple[list[str], dict[int, tuple[str, int]], list[str]]:
    """Body without the contents list, its headings, and warnings for entries never found.

    ``keys`` are the body's ``line_keys`` and ``matched`` is ``align`` of the
    lines after the list to its headings.
    """
    headings = toc.headings
    returned = slice(0, 0)
    if not toc.numbered and toc.entries:
        # An unnumbered list running on past the last heading found is the
        # article's first list, not part of the contents.
        last = max(matched.values(), default=-1)
        keep = toc.entries[: last + 1]
        returned = slice(keep[-1][0] + 1, toc.end)
        headings = headings[: last + 1]
    new_body = body[: toc.start] + body[returned] + body[toc.end :]
    new_keys = keys[: toc.start] + keys[returned] + keys[toc.end :]
    aligned = align(new_keys, headings)
    found = find_headings(new_body, aligned, markdown)
    used = set(aligned.values())
    warnings = [
        f"“{heading}” is listed in the table of contents but no line of the text matches it"
        for n, heading in enumerate(headings)
        if n not in used
    ]
    return new_body, found, warnings


def line_keys(lines: list[str]) -> list[str]:
    """The heading_key of each line that may be a heading, "" for the others."""
    return [t.heading_key(line) if may_be_heading(line) else "" for line in lines]


def align(keys: list[str], headings: list[str]) -> dict[int, int]:
    """Map line index → heading index for the longest in-order match of headings to lines.

    ``keys`` are the lines' ``line_keys``. A longest increasing subsequence
    over the (line, heading) pairs that match, so a stray line that happens
    to repeat a later heading cannot swallow the headings before it.
    """
    by_key: dict[str, list[int]] = {}
    for n, heading in enumerate(headings):
        key = t.heading_key(heading)
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


def may_be_heading(line: str) -> bool:
    stripped = line.strip()
    return bool(
        stripped
        and len(stripped) <= t.MAX_HEADING_CHARS
        and t.bullet_item(line) is None
        and not is_pipe_row(line)
        and t.quoted_line(line) is None
    )


def find_headings(
    lines: list[str], aligned: dict[int, int], markdown: bool
) -> dict[int, tuple[str, int]]:
    """Line index → (heading text, level) for every line that starts a section.

    ``aligned`` holds the lines that match the table of contents (see ``align``).
    """
    headings: dict[int, tuple[str, int]] = {}
    for i in aligned:
        heading = t.markdown_heading(lines[i])
        level = heading[0] if heading else 2
        headings[i] = (t.heading_text(lines[i], markdown), level)
    for i, line in enumerate(lines):
        if i in headings:
            continue
        heading = t.markdown_heading(line) if markdown else None
        if heading and len(heading[1]) <= t.MAX_HEADING_CHARS:
            headings[i] = (heading[1], heading[0])
        elif (
            markdown
            and i + 1 < len(lines)
            and t.is_setext_underline(lines[i + 1])
            and (i == 0 or not lines[i - 1].strip())
            and may_be_heading(line)
            and not t.numbered_item(line)
        ):
            level = 1 if "=" in lines[i + 1] else 2
            headings[i] = (t.plain_inline(line), level)
            lines[i + 1] = ""  # the underline is markup, not text
        elif may_be_heading(line) and len(line) < 80 and t.is_faq_title(line):
            headings[i] = (t.heading_text(line, markdown), 2)
    return headings
