"""Where an article's title, table of contents and headings are.

The contents list is matched to the headings it names with ``align``, shared
by both readers; the rest of this module finds them in the lines of a plain
text article (the Markdown reader finds them among its parsed blocks).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import NamedTuple

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


class Entry(NamedTuple):
    where: int  # the entry's line (plain text) or list item (Markdown)
    heading: str
    line: int  # in the file, counting from 1


@dataclass
class Toc:
    start: int  # where the "Table of Contents" title is
    end: int  # just after the list
    entries: list[Entry]
    numbered: bool

    @property
    def headings(self) -> list[str]:
        return [entry.heading for entry in self.entries]


def listed_headings(
    candidates: Iterable[tuple[int, int | None, str, int]],
) -> tuple[list[Entry], bool]:
    """The entries of a contents list, and whether it is numbered.

    ``candidates`` are (where, number or None, heading, file line) in order.
    The list ends where its numbering restarts or is lost: what follows is text.
    """
    entries, numbered, last = [], None, 0
    for where, number, heading, line in candidates:
        if numbered is None:
            numbered = number is not None
        if numbered != (number is not None) or (numbered and number <= last):
            break
        last = number or 0
        entries.append(Entry(where, heading, line))
    return entries, bool(numbered)


def without_headline(entries: list[Entry], title: str) -> list[Entry]:
    """The entries without the headline, which some lists give first: it is not a section."""
    if entries and text.heading_key(entries[0].heading) == text.heading_key(title):
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


def contents_warnings(
    entries: list[Entry], aligned: dict[int, int], close: dict[int, tuple[str, int]]
) -> list[str]:
    """Warnings for entries no line matches, and for lines matched by close wording.

    ``close`` maps each line matched by ``close_matches`` to its text and
    its number in the file.
    """
    used = set(aligned.values())
    warnings = []
    for n, entry in enumerate(entries):
        if n not in used:
            warnings.append(
                f"line {entry.line}: “{entry.heading}” is listed in the table of "
                "contents but no line of the text matches it"
            )
    by_entry = {n: i for i, n in aligned.items()}
    for n, entry in enumerate(entries):
        i = by_entry.get(n)
        if i is not None and i in close:
            heading, line = close[i]
            warnings.append(
                f"line {line}: the heading “{heading}” was taken for the contents "
                f"entry “{entry.heading}” (line {entry.line}); the wording differs"
            )
    return warnings


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


# Close matching compares an entry with every heading-like line between its
# neighbours' lines; past this many comparisons the rest stay unmatched.
MAX_CLOSE_COMPARISONS = 20_000
CLOSE_ENOUGH = 0.8


def _words(key: str) -> list[str]:
    return "".join(ch if ch.isalnum() or ch.isspace() else "" for ch in key).split()


def likeness(first: str, second: str) -> float:
    """How alike two headings' keys are, from 0 to 1 ("U.S. involvement" ~ "US Involvement")."""
    a, b = _words(first), _words(second)
    joined_a, joined_b = " ".join(a), " ".join(b)
    if not joined_a or not joined_b:
        return 0.0
    shorter, longer = sorted((len(joined_a), len(joined_b)))
    if shorter < longer * 0.4:
        return 0.0
    matcher = SequenceMatcher(None, joined_a, joined_b, autojunk=False)
    ratio = matcher.ratio() if matcher.quick_ratio() >= CLOSE_ENOUGH else 0.0
    fewer = min(len(set(a)), len(set(b)))
    if fewer >= 2 and len(set(a) & set(b)) == fewer:
        # One wording holds every word of the other: "Moscow's Position".
        ratio = max(ratio, 0.85)
    return ratio


def close_matches(
    keys: list[str], headings: list[str], aligned: dict[int, int]
) -> dict[int, int]:
    """Line index → entry for entries ``aligned`` left out, matched by close wording.

    An entry is looked for only between the lines of the entries around it,
    so the order of the contents is kept.
    """
    found: dict[int, int] = {}
    by_entry = {n: i for i, n in aligned.items()}
    budget = MAX_CLOSE_COMPARISONS
    previous_line = -1
    for n, heading in enumerate(headings):
        if n in by_entry:
            previous_line = by_entry[n]
            continue
        following = next(
            (by_entry[m] for m in range(n + 1, len(headings)) if m in by_entry),
            len(keys),
        )
        wanted = text.heading_key(heading)
        best, best_line = CLOSE_ENOUGH - 1e-9, None
        for i in range(previous_line + 1, following):
            if not keys[i] or i in aligned or i in found:
                continue
            budget -= 1
            if budget < 0:
                return found
            score = likeness(wanted, keys[i])
            if score > best:
                best, best_line = score, i
        if best_line is not None:
            found[best_line] = n
            previous_line = best_line
    return found


def listed_lines(keys: list[str], headings: list[str]) -> dict[int, int]:
    """The lines after a contents list that it names, exactly or else in close words."""
    return align(keys, headings) or close_matches(keys, headings, {})


def too_long_warning(toc: Toc, line: int) -> str:
    """``line`` is the file's number for the list's "Table of Contents" line."""
    return (
        f"line {line}: the table of contents lists {len(toc.entries)} headings (at most "
        f"{MAX_TOC_ENTRIES}); it was kept as a list"
    )


# -- in the lines of plain text ----------------------------------------------

LISTED = "listed in the table of contents"
LISTED_CLOSE = "listed in the table of contents, in other words"
FAQ_TITLE = "reads as the title of an FAQ"


@dataclass
class Heading:
    text: str
    level: int
    rule: str


def find_toc(body: list[str], title: str, first_line: int) -> Toc | None:
    """The table of contents near the top of the body, if there is one.

    ``first_line`` is the file's number for ``body[0]``.
    """
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
            candidates.append((j, *entry, first_line + j))
        entries, numbered = listed_headings(candidates)
        if entries:
            end = entries[-1].where + 1
            return Toc(index, end, without_headline(entries, title), numbered)
    return None


def find_toc_headings(
    body: list[str], title: str, first_line: int
) -> tuple[list[str], dict[int, Heading], Toc | None, list[str]]:
    """The body with its contents list blanked, the headings it names, the list, warnings.

    Headings are line index → Heading. The list's lines are blanked rather
    than removed so that every line keeps its number in the file.
    """
    toc = find_toc(body, title, first_line)
    if toc and len(toc.entries) > MAX_TOC_ENTRIES:
        return (
            body,
            faq_titles(body, {}),
            None,
            [too_long_warning(toc, first_line + toc.start)],
        )
    keys = line_keys(body) if toc else []
    matched = listed_lines(keys[toc.end :], toc.headings) if toc else {}
    if toc is None or (toc.entries and not matched):
        # No list, or a list that names no heading of the text: just a list.
        return body, faq_titles(body, {}), None, []
    count = listed_count(toc, matched)
    kept = range(0, 0)
    if not toc.numbered and toc.entries:
        kept = range(toc.entries[count - 1].where + 1, toc.end)
    body = [
        "" if toc.start <= i < toc.end and i not in kept else line
        for i, line in enumerate(body)
    ]
    keys = [
        "" if toc.start <= i < toc.end and i not in kept else key
        for i, key in enumerate(keys)
    ]
    entries = toc.entries[:count]
    headings = [entry.heading for entry in entries]
    aligned = align(keys, headings)
    close = close_matches(keys, headings, aligned)
    found: dict[int, Heading] = {}
    for i in aligned:
        found[i] = Heading(text.heading_text(body[i]), _level(body[i]), LISTED)
    for i in close:
        found[i] = Heading(text.heading_text(body[i]), _level(body[i]), LISTED_CLOSE)
    warnings = contents_warnings(
        entries, aligned | close, {i: (found[i].text, first_line + i) for i in close}
    )
    return body, faq_titles(body, found), toc, warnings


def _level(line: str) -> int:
    heading = text.markdown_heading(line)
    return heading[0] if heading else 2


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


def faq_titles(lines: list[str], headings: dict[int, Heading]) -> dict[int, Heading]:
    """``headings`` with every line that reads "Frequently Asked Questions" or the like."""
    for i, line in enumerate(lines):
        if (
            i not in headings
            and may_be_heading(line)
            and len(line) < 80
            and text.is_faq_title(line)
        ):
            headings[i] = Heading(text.heading_text(line), 2, FAQ_TITLE)
    return headings
