"""Plain text read the way the newsroom's wire copy is written.

A title line, an optional "Table of Contents" list whose entries reappear as
headings, one paragraph per line. Lines may also be list items, "> "
quotations, "Label: text" points, pipe tables, a "Did you know?" box, an
FAQ and a "Share your thoughts:" prompt. Plain text has no syntax to lean
on, so every line is recognised here by hand. Whatever is not recognised
stays as text where it was, escaped so that it shows exactly as typed.
"""

from __future__ import annotations

from ..tabular import (
    is_pipe_row,
    is_separator_row,
    split_pipe_row,
    table_rows_errors,
)
from . import builder as b
from . import conventions
from .builder import ArticleBuilder, Block
from .outline import FAQ_TITLE, Heading, find_title, find_toc_headings
from .parsed import Found, ParsedArticle, ParsedTable
from .shapes import (
    looks_like_heading,
    question_line,
    reads_as_caption,
    reads_as_text,
    standfirst_rule,
)
from .tables import (
    CAPTION_ABOVE,
    CAPTION_LINE,
    TABLE_RULES,
    first_row_is_header,
    fit_rows,
)
from .text import MAX_QUESTION_CHARS, collapse_spaces, escape_plain, one_line
from .text import strip_bidi_controls as without_bidi

SHAPED = "short line without closing punctuation, with text under it"


def parse_plain(lines: list[str], start: int) -> ParsedArticle:
    """The article in ``lines``, whose title is on line ``start``."""
    title, body_start = find_title(lines, start)
    first_line = body_start + 1  # the file's number for body[0]
    body, headings, toc, warnings = find_toc_headings(
        lines[body_start:], title, first_line
    )
    found: dict[str, Found] = {"title": Found(start + 1, "first line")}
    byline = _take_byline(body, headings, found, first_line)
    standfirst = _take_standfirst(body, headings, toc.start if toc else None)
    if standfirst:
        _, rule, where = standfirst
        found["standfirst"] = Found(first_line + where, rule)
        byline = byline or _take_byline(body, headings, found, first_line)
    _shaped_headings(body, headings, has_toc=toc is not None)

    parser = PlainParser(body, headings, title=title, first_line=first_line)
    parser.run()
    article = parser.finish(is_markdown=False)
    article.byline = byline
    article.standfirst = standfirst[0] if standfirst else ""
    article.found = found | article.found
    article.warnings = warnings + article.warnings
    return article


def _filled(body: list[str], start: int = 0) -> int | None:
    return next((i for i in range(start, len(body)) if body[i].strip()), None)


def _take_byline(
    body: list[str], headings: dict, found: dict[str, Found], first_line: int
) -> list[str]:
    """The names in a "By …" line first in the body, which is then blanked."""
    i = _filled(body)
    if i is None or i in headings:
        return []
    names = conventions.byline_names(body[i])
    if names:
        found["byline"] = Found(first_line + i, "“By …” line under the headline")
        body[i] = ""
    return names


def _take_standfirst(
    body: list[str], headings: dict, toc_start: int | None
) -> tuple[str, str, int] | None:
    """(standfirst, rule, where) for the paragraph under the headline; its lines are blanked.

    With a contents list, the one or two lines before it; without, the
    first line when the dateline or the byline follows it.
    """
    i = _filled(body)
    if i is None or i in headings:
        return None
    if toc_start is not None:
        where = [k for k in range(i, toc_start) if body[k].strip()]
        text = " ".join(one_line(body[k]) for k in where)
        if not where or len(where) > 2 or any(k in headings for k in where):
            return None
        rule = standfirst_rule(text, "", before_contents=True)
    else:
        where = [i]
        text = one_line(body[i])
        following = _filled(body, i + 1)
        if following is None or following in headings:
            return None
        rule = standfirst_rule(text, body[following], before_contents=False)
    if rule is None:
        return None
    for k in where:
        body[k] = ""
    return text, rule, where[0]


def _shaped_headings(
    body: list[str], headings: dict[int, Heading], *, has_toc: bool
) -> None:
    """Add the lines that read as headings from their shape and place.

    A short line without closing punctuation with text under it is a
    heading; two of them in a row make a part heading and its first
    section. A contents list names the article's headings, so with one only
    the follow-up story after the comment prompt is read this way.
    """
    filled = [i for i, line in enumerate(body) if line.strip()]
    prompt = next(
        (n for n, i in enumerate(filled) if conventions.comment_prompt(body[i])),
        len(filled),
    )
    first = prompt + 1 if has_toc else 0
    in_faq = False
    for n in range(first, len(filled)):
        i = filled[n]
        if i in headings:
            in_faq = headings[i].rule == FAQ_TITLE
            continue
        if n == prompt:
            in_faq = False
            continue
        before = body[filled[n - 1]] if n else ""
        if (in_faq and before.rstrip().endswith("?")) or conventions.is_callout_heading(
            before
        ):
            continue  # an answer under its question, or a box's text
        if looks_like_heading(body[i]) and _heads_text(body, filled, n, headings):
            headings[i] = Heading(one_line(body[i]), 2, SHAPED)


def _heads_text(body: list[str], filled: list[int], n: int, headings: dict) -> bool:
    """Whether text follows the line ``filled[n]``, or a heading with text under it."""
    for step in (1, 2):
        if n + step >= len(filled):
            return False
        following = filled[n + step]
        if following in headings:
            return step == 1
        line = body[following]
        if not looks_like_heading(line):
            return reads_as_text(line)
    return False


def _is_separator(line: str) -> bool:
    # The separator pattern can split a long run of spaces between two "\s*"
    # in as many ways as the run is long, on every line that fails; spaces
    # mean nothing to it, and runs of one leave it nothing to try.
    return is_separator_row(collapse_spaces(line))


class PlainParser(ArticleBuilder):
    def __init__(
        self,
        lines: list[str],
        headings: dict[int, Heading],
        *,
        title: str,
        first_line: int,
    ) -> None:
        super().__init__(title)
        self.lines = lines
        self.headings = headings
        self.first_line = first_line
        # (caption, line index, rule) of a caption line just before a table.
        self.pending_caption: tuple[str, int, str] | None = None

    def number(self, i: int) -> int:
        """The file's number for line ``i``."""
        return self.first_line + i

    # -- the walk --------------------------------------------------------

    def run(self) -> None:
        lines, i = self.lines, 0
        while i < len(lines):
            line = lines[i]
            if i in self.headings:
                heading = self.headings[i]
                found = Found(self.number(i), heading.rule)
                self.heading(heading.text, heading.level, found)
            elif not line.strip() or conventions.is_rule(line):
                pass
            elif not self.prompt and (prompt := conventions.comment_prompt(line)):
                self.take_prompt(prompt, self.number(i))
                i = self.read_discussion_question(i + 1)
                continue
            elif conventions.callout_start(line):
                i = self.read_callout(i)
                continue
            elif self.starts_table(i):
                i = self.read_table(i)
                continue
            elif (caption := conventions.caption_line(line)) and self.starts_table(
                self.next_filled(i + 1)
            ):
                self.pending_caption = (caption, i, CAPTION_LINE)
            elif reads_as_caption(line) and self.starts_table(i + 1):
                self.pending_caption = (one_line(line), i, CAPTION_ABOVE)
            elif self.faq and self.faq_line(line, i):
                pass
            else:
                self.plain_line(line, i)
            i += 1
        self.close_faq()

    def read_discussion_question(self, i: int) -> int:
        """A question on the line after the comment prompt is put to readers with it."""
        j = self.next_filled(i)
        if j < len(self.lines) and (question := question_line(self.lines[j])):
            self.take_discussion_question(question, self.number(j))
            return j + 1
        return i

    def next_filled(self, i: int) -> int:
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        return i

    def plain_line(self, line: str, i: int) -> None:
        at = self.number(i)
        if (item := conventions.bullet_item(line)) is not None:
            self.add_block(Block("bullets", [item], i, at))
        elif (numbered := conventions.numbered_item(line)) is not None:
            self.add_block(Block("numbers", [numbered], i, at))
        elif (quoted := conventions.quoted_line(line)) is not None:
            self.add_block(Block("quote", [quoted], i, at))
        elif (labelled := conventions.labelled_line(line)) is not None:
            self.add_block(Block("labels", [(*labelled, line.strip())], i, at))
        else:
            self.add_block(Block("paragraph", [line.strip()], i, at))

    # -- callouts and tables ---------------------------------------------

    def read_callout(self, i: int) -> int:
        rest, quoted = conventions.callout_start(self.lines[i])
        body = [rest] if rest else []
        j = i + 1
        if quoted:
            while j < len(self.lines) and self.lines[j].strip():
                more = conventions.quoted_line(self.lines[j])
                if more is None:
                    break
                body.append(more)
                j += 1
        elif not rest:
            j = self.next_filled(j)
            if j < len(self.lines) and self.is_prose(j):
                body.append(self.lines[j].strip())  # the box holds one paragraph
                j += 1
        at = self.number(i)
        if not any(body):
            self.add_block(Block("paragraph", [self.lines[i].strip()], i, at))
            return j
        self.add_callout(
            [Block("paragraph", [line], i, at) for line in body if line], at
        )
        return j

    def is_prose(self, i: int) -> bool:
        line = self.lines[i]
        return not (
            i in self.headings
            or is_pipe_row(line)
            or conventions.comment_prompt(line)
            or conventions.callout_start(line)
        )

    def starts_table(self, i: int) -> bool:
        """A pipe table starts here: two "| … |" rows, or "a | b" over "--- | ---"."""
        lines = self.lines
        if i + 1 >= len(lines):
            return False
        if is_pipe_row(lines[i]) and is_pipe_row(lines[i + 1]):
            return True
        return "|" in lines[i] and "|" in lines[i + 1] and _is_separator(lines[i + 1])

    def read_table(self, i: int) -> int:
        # Tables written without outer pipes run on while lines contain one;
        # so does "| a | b |" over a separator that lacks its closing pipe.
        loose = not (is_pipe_row(self.lines[i]) and is_pipe_row(self.lines[i + 1]))
        j = i
        while j < len(self.lines) and (
            ("|" in self.lines[j] and self.lines[j].strip())
            if loose
            else is_pipe_row(self.lines[j])
        ):
            j += 1
        raw = self.lines[i:j]
        separated = _is_separator(raw[1])
        written = [
            (k, [without_bidi(cell) for cell in split_pipe_row(line)])
            for k, line in enumerate(raw, start=i)
            if not _is_separator(line)
        ]
        rows = [row for _, row in written]
        header = separated or first_row_is_header(rows)
        rows, row_warnings = fit_rows(
            rows, [self.number(k) for k, _ in written], header=header
        )
        pending, self.pending_caption = self.pending_caption, None
        problems = table_rows_errors(rows) if len(rows) > 1 else ["too few rows"]
        if problems:
            # Too odd to be a table: keep every line, caption included, as text.
            if len(rows) > 1:
                self.kept_as_text(raw[0], problems[0], self.number(i))
            kept = list(enumerate(raw, start=i))
            if pending:
                kept.insert(0, (pending[1], self.lines[pending[1]]))
            for n, line in kept:
                self.add_block(Block("paragraph", [line.strip()], n, self.number(n)))
            return j
        self.warnings += row_warnings
        caption, source = pending[0] if pending else "", ""
        caption_found = Found(self.number(pending[1]), pending[2]) if pending else None
        for _ in range(2):
            k = self.next_filled(j)
            if k >= len(self.lines) or k in self.headings:
                break
            if self.starts_table(self.next_filled(k + 1)):
                break  # a caption line there belongs to the next table
            if not caption and (found := conventions.caption_line(self.lines[k])):
                caption, j = found, k + 1
                caption_found = Found(self.number(k), CAPTION_LINE)
            elif not source and (found := conventions.source_line(self.lines[k])):
                source, j = found, k + 1
        if not caption:
            self.no_caption(self.number(i))
        rule = TABLE_RULES[separated, header]
        self.add_table(
            ParsedTable(
                rows,
                header,
                caption,
                source,
                found=Found(self.number(i), rule),
                caption_found=caption_found,
            )
        )
        return j

    # -- the FAQ ---------------------------------------------------------

    def faq_line(self, line: str, i: int) -> bool:
        """Read one line inside the FAQ section; False when it is ordinary text."""
        faq = self.faq
        at = self.number(i)
        item = conventions.bullet_item(line)
        if item is None and (numbered := conventions.numbered_item(line)):
            item = numbered[1]
        if item is not None and (split := conventions.split_question(item)):
            found = Found(at, b.QUESTION_ITEM)
            self.open_question(split[0], [split[1]], inline=bool(split[1]), found=found)
            return True
        qa = conventions.qa_line(line)
        if qa and qa[0] == "Q" and len(qa[1]) <= MAX_QUESTION_CHARS:
            found = Found(at, b.QA_LINE)
            self.open_question(one_line(qa[1]), [], inline=False, found=found)
            return True
        if qa and qa[0] == "A" and faq.question is not None and not faq.inline:
            faq.answer.append(qa[1])
            return True
        stripped = line.strip()
        if (
            item is None
            and conventions.quoted_line(line) is None
            and (split := conventions.split_question(stripped))
            and not split[1]
        ):
            found = Found(at, b.QUESTION_LINE)
            self.open_question(split[0], [], inline=False, found=found)
            return True
        if faq.question is not None and not faq.inline:
            faq.answer.append(stripped)
            return True
        self.close_faq_item()
        return False

    def answer_text(self, answer: list[str]) -> str:
        return "\n\n".join(escape_plain(a) for a in answer if a.strip())

    def unanswered(self, question: str) -> Block:
        return Block("paragraph", [question], -2)

    # -- the result ------------------------------------------------------

    def take_dateline(self, block: Block) -> str:
        if block.kind != "paragraph":
            return ""
        split = conventions.split_dateline(block.items[0])
        if split is None:
            return ""
        block.items[0] = split[1]
        return split[0]

    def render(self, block: Block) -> str:
        esc = escape_plain
        if block.kind == "bullets":
            return "\n".join(f"- {esc(item)}" for item in block.items)
        if block.kind == "numbers":
            return "\n".join(f"{n}. {esc(item)}" for n, item in block.items)
        if block.kind == "quote":
            return "\n>\n".join(f"> {esc(item)}" for item in block.items)
        if block.kind == "labels" and len(block.items) > 1:
            return "\n".join(f"- **{esc(a)}:** {esc(b)}" for a, b, _ in block.items)
        if block.kind == "labels":
            return esc(block.items[0][2])  # a lone "Label: text" line is a paragraph
        return "\n\n".join(esc(item) for item in block.items)
