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
    squared,
    table_rows_errors,
)
from . import conventions
from .builder import ArticleBuilder, Block
from .outline import find_headings, find_title, find_toc_headings
from .parsed import ParsedArticle, ParsedTable
from .text import MAX_QUESTION_CHARS, collapse_spaces, escape_plain, one_line
from .text import strip_bidi_controls as without_bidi


def parse_plain(lines: list[str], start: int) -> ParsedArticle:
    """The article in ``lines``, whose title is on line ``start``."""
    title, body_start = find_title(lines, start)
    body = lines[body_start:]
    found = find_toc_headings(body, title)
    if found is None:
        headings, warnings = find_headings(body, {}), []
    else:
        body, headings, warnings = found

    byline: list[str] = []
    first = next((i for i, line in enumerate(body) if line.strip()), None)
    if first is not None and first not in headings:
        byline = conventions.byline_names(body[first])
        if byline:
            body[first] = ""

    parser = PlainParser(body, headings, title=title)
    parser.run()
    article = parser.finish(is_markdown=False)
    article.byline = byline
    article.warnings = warnings + article.warnings
    return article


def _is_separator(line: str) -> bool:
    # The separator pattern can split a long run of spaces between two "\s*"
    # in as many ways as the run is long, on every line that fails; spaces
    # mean nothing to it, and runs of one leave it nothing to try.
    return is_separator_row(collapse_spaces(line))


class PlainParser(ArticleBuilder):
    def __init__(
        self, lines: list[str], headings: dict[int, tuple[str, int]], *, title: str
    ) -> None:
        super().__init__(title)
        self.lines = lines
        self.headings = headings
        # (caption, line index) of a "Table: …" line just before a table.
        self.pending_caption: tuple[str, int] | None = None

    # -- the walk --------------------------------------------------------

    def run(self) -> None:
        lines, i = self.lines, 0
        while i < len(lines):
            line = lines[i]
            if i in self.headings:
                self.heading(*self.headings[i])
            elif not line.strip() or conventions.is_rule(line):
                pass
            elif not self.prompt and conventions.comment_prompt(line):
                self.prompt = conventions.comment_prompt(line)
            elif conventions.callout_start(line):
                i = self.read_callout(i)
                continue
            elif self.starts_table(i):
                i = self.read_table(i)
                continue
            elif conventions.caption_line(line) and self.starts_table(
                self.next_filled(i + 1)
            ):
                self.pending_caption = (conventions.caption_line(line), i)
            elif self.faq and self.faq_line(line):
                pass
            else:
                self.plain_line(line, i)
            i += 1
        self.close_faq()

    def next_filled(self, i: int) -> int:
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        return i

    def plain_line(self, line: str, i: int) -> None:
        if (item := conventions.bullet_item(line)) is not None:
            self.add_block(Block("bullets", [item], i))
        elif (numbered := conventions.numbered_item(line)) is not None:
            self.add_block(Block("numbers", [numbered], i))
        elif (quoted := conventions.quoted_line(line)) is not None:
            self.add_block(Block("quote", [quoted], i))
        elif (labelled := conventions.labelled_line(line)) is not None:
            self.add_block(Block("labels", [(*labelled, line.strip())], i))
        else:
            self.add_block(Block("paragraph", [line.strip()], i))

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
        if not any(body):
            self.add_block(Block("paragraph", [self.lines[i].strip()], i))
            return j
        self.add_callout([Block("paragraph", [line], i) for line in body if line])
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
        has_header = _is_separator(raw[1])
        rows = [split_pipe_row(line) for line in raw if not _is_separator(line)]
        rows = squared([[without_bidi(cell) for cell in row] for row in rows])
        pending, self.pending_caption = self.pending_caption, None
        problems = table_rows_errors(rows) if len(rows) > 1 else ["too few rows"]
        if problems:
            # Too odd to be a table: keep every line, caption included, as text.
            if len(rows) > 1:
                self.kept_as_text(raw[0], problems[0])
            kept = list(enumerate(raw, start=i))
            if pending:
                kept.insert(0, (pending[1], self.lines[pending[1]]))
            for n, line in kept:
                self.add_block(Block("paragraph", [line.strip()], n))
            return j
        caption, source = pending[0] if pending else "", ""
        for _ in range(2):
            k = self.next_filled(j)
            if k >= len(self.lines) or k in self.headings:
                break
            if self.starts_table(self.next_filled(k + 1)):
                break  # a caption line there belongs to the next table
            if not caption and conventions.caption_line(self.lines[k]):
                caption, j = conventions.caption_line(self.lines[k]), k + 1
            elif not source and conventions.source_line(self.lines[k]):
                source, j = conventions.source_line(self.lines[k]), k + 1
        if not caption:
            caption = conventions.table_caption(
                rows[0] if has_header else [], self.caption_fallback()
            )
        self.add_table(ParsedTable(rows, has_header, caption, source))
        return j

    # -- the FAQ ---------------------------------------------------------

    def faq_line(self, line: str) -> bool:
        """Read one line inside the FAQ section; False when it is ordinary text."""
        faq = self.faq
        item = conventions.bullet_item(line)
        if item is None and (numbered := conventions.numbered_item(line)):
            item = numbered[1]
        if item is not None and (split := conventions.split_question(item)):
            self.open_question(split[0], [split[1]], inline=bool(split[1]))
            return True
        qa = conventions.qa_line(line)
        if qa and qa[0] == "Q" and len(qa[1]) <= MAX_QUESTION_CHARS:
            self.open_question(one_line(qa[1]), [], inline=False)
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
            self.open_question(split[0], [], inline=False)
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
