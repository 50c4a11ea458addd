"""Turn a plain-text or Markdown article into structured parts, without touching the database.

Plain text is read the way the newsroom's wire copy is written: a title line,
an optional "Table of Contents" list whose entries reappear as headings, one
paragraph per line. Markdown is read with "#" headings and blank-line
paragraphs. Both may carry pipe tables, a "Did you know?" box, an FAQ, a
"Share your thoughts:" prompt, lists and quotations. Whatever is not
recognised stays as text where it was: the importer never drops prose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import Truncator

from ..tabular import (
    is_pipe_row,
    is_separator_row,
    split_pipe_row,
    squared,
    table_rows_errors,
)
from . import text as t
from .errors import ArticleParseError
from .outline import (
    MAX_TOC_ENTRIES,
    align,
    apply_toc,
    find_headings,
    find_title,
    find_toc,
    line_keys,
)

TEXT, CALLOUT, FAQ = "text", "callout", "faq"


@dataclass
class ParsedTable:
    rows: list[list[str]]
    is_first_row_header: bool
    caption: str
    source_note: str = ""


@dataclass
class ParsedSection:
    heading: str = ""
    kind: str = TEXT
    body: str = ""
    # Shown after the body, in this order.
    tables: list[ParsedTable] = field(default_factory=list)


@dataclass
class ParsedFaqItem:
    question: str
    answer: str


@dataclass
class ParsedArticle:
    title: str
    sections: list[ParsedSection]
    faq_items: list[ParsedFaqItem] = field(default_factory=list)
    dateline: str = ""
    comment_prompt: str = ""
    byline: list[str] = field(default_factory=list)
    is_markdown: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return t.slug_for_title(self.title)

    @property
    def table_of_contents(self) -> list[str]:
        return [s.heading for s in self.sections if s.heading and s.kind != CALLOUT]

    @property
    def tables(self) -> list[ParsedTable]:
        return [table for s in self.sections for table in s.tables]


def parse_article(text: str, *, markdown: bool | None = None) -> ParsedArticle:
    """Structure of the article in ``text``; ``markdown=None`` guesses the format.

    Raises ArticleParseError when there is no usable title or no text after it.
    """
    lines = t.split_lines(text)
    if markdown is None:
        markdown = any(t.markdown_heading(line) for line in lines)
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise ArticleParseError("the file is empty")
    title, body_start = find_title(lines, start, markdown)
    body = lines[body_start:]

    toc = find_toc(body, title)
    warnings: list[str] = []
    if toc and len(toc.entries) > MAX_TOC_ENTRIES:
        warnings.append(
            f"the table of contents lists {len(toc.entries)} headings (at most "
            f"{MAX_TOC_ENTRIES}); it was kept as a list"
        )
        toc = None
    keys = line_keys(body) if toc else []
    matched = align(keys[toc.end :], toc.headings) if toc else {}
    if toc and toc.entries and not matched:
        toc = None  # a list that names no heading of the text is just a list
    if toc is None:
        headings = find_headings(body, {}, markdown)
    else:
        body, headings, more = apply_toc(body, keys, toc, matched, markdown)
        warnings += more

    byline: list[str] = []
    first = next((i for i, line in enumerate(body) if line.strip()), None)
    if first is not None and first not in headings:
        byline = t.byline_names(body[first])
        if byline:
            body[first] = ""

    parser = _Parser(body, headings, markdown=markdown, title=title)
    parser.run()
    article = parser.finish(title)
    article.byline = byline
    article.warnings = warnings + parser.warnings
    if not article.sections and not article.faq_items:
        raise ArticleParseError("there is no article text after the title")
    return article


def _is_separator(line: str) -> bool:
    # The separator pattern can split a long run of spaces between two "\s*"
    # in as many ways as the run is long, on every line that fails; spaces
    # mean nothing to it, and runs of one leave it nothing to try.
    return is_separator_row(t.collapse_spaces(line))


@dataclass
class _Block:
    kind: str  # paragraph, bullets, numbers, quote, labels, markdown
    items: list
    last_line: int


@dataclass
class _Draft:
    heading: str
    kind: str
    blocks: list[_Block] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)
    # A "Did you know?" line makes a closed box; a heading opens one that
    # takes the text up to the next heading.
    is_open: bool = True


@dataclass
class _FaqRegion:
    level: int
    question: str | None = None
    answer: list[str] = field(default_factory=list)
    # The answer began on the question's line ("- Why? Because …").
    inline: bool = False
    started: bool = False


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` belongs to the same Markdown block as ``previous``."""
    if line[:1] == " ":
        return True  # an indented continuation
    for same_kind in (
        lambda x: t.bullet_item(x) or t.numbered_item(x),
        lambda x: t.quoted_line(x) is not None,
        t.labelled_line,
    ):
        if same_kind(previous) and same_kind(line):
            return True
    return False


class _Parser:
    def __init__(
        self,
        lines: list[str],
        headings: dict[int, tuple[str, int]],
        *,
        markdown: bool,
        title: str,
    ) -> None:
        self.lines = lines
        self.headings = headings
        self.markdown = markdown
        # Markdown written like wire copy, one paragraph per line with hardly a
        # blank line, must not have its paragraphs run together.
        filled = sum(1 for line in lines if line.strip())
        self.line_paragraphs = (len(lines) - filled) * 4 < filled
        self.title = title
        self.drafts = [_Draft("", TEXT)]
        self.faq_items: list[ParsedFaqItem] = []
        self.faq: _FaqRegion | None = None
        self.has_faq_section = False
        self.prompt = ""
        self.buffer: list[str] = []
        self.buffer_start = 0
        # (caption, line index) of a "Table: …" line just before a table.
        self.pending_caption: tuple[str, int] | None = None
        self.warnings: list[str] = []

    # -- the walk --------------------------------------------------------

    def run(self) -> None:
        lines, i = self.lines, 0
        while i < len(lines):
            line = lines[i]
            if i in self.headings:
                self.flush()
                self.heading(*self.headings[i])
            elif not line.strip():
                self.blank()
            elif t.is_rule(line):
                self.flush()
            elif not self.prompt and t.comment_prompt(line, self.markdown):
                self.flush()
                self.prompt = t.comment_prompt(line, self.markdown)
            elif t.callout_start(line):
                self.flush()
                i = self.read_callout(i)
                continue
            elif self.starts_table(i):
                self.flush()
                i = self.read_table(i)
                continue
            elif t.caption_line(line, self.markdown) and self.starts_table(
                self.next_filled(i + 1)
            ):
                self.flush()
                self.pending_caption = (t.caption_line(line, self.markdown), i)
            elif self.faq and self.faq_line(line):
                pass
            elif self.markdown:
                if (
                    self.buffer
                    and self.line_paragraphs
                    and not _continues(self.buffer[-1], line)
                ):
                    self.flush()
                if not self.buffer:
                    self.buffer_start = i
                self.buffer.append(line)
            else:
                self.plain_line(line, i)
            i += 1
        self.flush()
        self.close_faq()

    def next_filled(self, i: int) -> int:
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        return i

    def heading(self, text: str, level: int) -> None:
        faq = self.faq
        if faq and self.markdown and level > faq.level and text.endswith("?"):
            self.open_question(text, "", inline=False)
            return
        self.close_faq()
        if t.is_callout_heading(text):
            self.drafts.append(_Draft(t.CALLOUT_HEADING, CALLOUT))
        elif t.is_faq_title(text) and not self.has_faq_section:
            self.has_faq_section = True
            self.faq = _FaqRegion(level)
            self.drafts.append(_Draft(text, FAQ))
        else:
            self.drafts.append(_Draft(text, TEXT))

    def blank(self) -> None:
        if self.faq and self.faq.question is not None and self.markdown:
            self.faq.answer.append("")
        else:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            lines = self.buffer
            self.buffer = []
            self.add_block(_Block("markdown", lines, self.buffer_start + len(lines)))

    # -- where text goes -------------------------------------------------

    def current_for_text(self) -> _Draft:
        draft = self.drafts[-1]
        # Tables show after their section's text, callouts are boxes and the
        # FAQ list follows its section's intro: later text needs a section
        # of its own to keep its place.
        if (
            (draft.kind == CALLOUT and not draft.is_open)
            or draft.tables
            or (draft.kind == FAQ and self.faq and self.faq.started)
        ):
            draft = _Draft("", TEXT)
            self.drafts.append(draft)
        return draft

    def add_block(self, block: _Block) -> None:
        draft = self.current_for_text()
        previous = draft.blocks[-1] if draft.blocks else None
        if (
            previous is not None
            and previous.kind == block.kind
            and block.kind in {"bullets", "numbers", "quote", "labels"}
            and previous.last_line + 1 == block.last_line
        ):
            previous.items.extend(block.items)
            previous.last_line = block.last_line
        else:
            draft.blocks.append(block)

    def plain_line(self, line: str, i: int) -> None:
        if (item := t.bullet_item(line)) is not None:
            self.add_block(_Block("bullets", [item], i))
        elif (numbered := t.numbered_item(line)) is not None:
            self.add_block(_Block("numbers", [numbered], i))
        elif (quoted := t.quoted_line(line)) is not None:
            self.add_block(_Block("quote", [quoted], i))
        elif (labelled := t.labelled_line(line)) is not None:
            self.add_block(_Block("labels", [(*labelled, line.strip())], i))
        else:
            self.add_block(_Block("paragraph", [line.strip()], i))

    # -- callouts and tables ---------------------------------------------

    def read_callout(self, i: int) -> int:
        rest, quoted = t.callout_start(self.lines[i])
        body = [rest] if rest else []
        j = i + 1
        if quoted:
            while j < len(self.lines) and self.lines[j].strip():
                more = t.quoted_line(self.lines[j])
                if more is None:
                    break
                body.append(more)
                j += 1
        elif not rest:
            j = self.next_filled(j)
            while j < len(self.lines) and self.lines[j].strip() and self.is_prose(j):
                body.append(self.lines[j].strip())
                j += 1
                if not self.markdown:
                    break  # plain text: the box holds one paragraph
        if not any(body):
            self.add_block(_Block("paragraph", [self.lines[i].strip()], i))
            return j
        self.close_faq_item()
        if self.markdown:
            blocks = [_Block("markdown", body, i)]
        else:
            blocks = [_Block("paragraph", [line], i) for line in body if line]
        self.drafts.append(_Draft(t.CALLOUT_HEADING, CALLOUT, blocks, is_open=False))
        return j

    def is_prose(self, i: int) -> bool:
        line = self.lines[i]
        return not (
            i in self.headings
            or is_pipe_row(line)
            or t.comment_prompt(line, self.markdown)
            or t.callout_start(line)
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
        if self.markdown:
            rows = [[t.plain_inline(cell) for cell in row] for row in rows]
        else:
            rows = [[t.strip_bidi_controls(cell) for cell in row] for row in rows]
        rows = squared(rows)
        pending, self.pending_caption = self.pending_caption, None
        problems = table_rows_errors(rows) if len(rows) > 1 else ["too few rows"]
        if problems:
            # Too odd to be a table: keep every line, caption included, as text.
            if len(rows) > 1:
                self.warnings.append(
                    f"the table starting “{Truncator(t.one_line(raw[0])).chars(40)}” "
                    "was kept as text: "
                    f"{problems[0]}"
                )
            kept = [(n, line) for n, line in enumerate(raw, start=i)]
            if pending:
                kept.insert(0, (pending[1], self.lines[pending[1]]))
            for n, line in kept:
                kind = "markdown" if self.markdown else "paragraph"
                self.add_block(
                    _Block(kind, [line if self.markdown else line.strip()], n)
                )
            return j
        caption, source = pending[0] if pending else "", ""
        for _ in range(2):
            k = self.next_filled(j)
            if k >= len(self.lines) or k in self.headings:
                break
            if self.starts_table(self.next_filled(k + 1)):
                break  # a caption line there belongs to the next table
            if not caption and t.caption_line(self.lines[k], self.markdown):
                caption, j = t.caption_line(self.lines[k], self.markdown), k + 1
            elif not source and t.source_line(self.lines[k], self.markdown):
                source, j = t.source_line(self.lines[k], self.markdown), k + 1
        if not caption:
            fallback = next((d.heading for d in reversed(self.drafts) if d.heading), "")
            caption = t.table_caption(
                rows[0] if has_header else [], fallback or self.title
            )
        self.close_faq_item()
        table = ParsedTable(rows, has_header, caption, source)
        draft = self.drafts[-1]
        if (draft.kind == CALLOUT and not draft.is_open) or (
            draft.kind == FAQ and self.faq and self.faq.started
        ):
            draft = _Draft("", TEXT)
            self.drafts.append(draft)
        draft.tables.append(table)
        return j

    # -- the FAQ ---------------------------------------------------------

    def faq_line(self, line: str) -> bool:
        """Read one line inside the FAQ section; False when it is ordinary text."""
        faq = self.faq
        if (
            faq.question is not None
            and faq.inline
            and self.markdown
            and line[:1] == " "
        ):
            faq.answer.append(line)  # an indented continuation of the answer
            return True
        item = t.bullet_item(line)
        if item is None and (numbered := t.numbered_item(line)):
            item = numbered[1]
        if item is None and self.markdown and line.lstrip()[:2] in {"**", "__"}:
            item = line.strip()
        if item is not None and (split := t.split_question(item, self.markdown)):
            self.flush()
            self.open_question(split[0], split[1], inline=bool(split[1]))
            return True
        qa = t.qa_line(line)
        if qa and qa[0] == "Q" and len(qa[1]) <= t.MAX_QUESTION_CHARS:
            self.flush()
            self.open_question(t.inline_text(qa[1], self.markdown), "", inline=False)
            return True
        if qa and qa[0] == "A" and faq.question is not None and not faq.inline:
            faq.answer.append(qa[1])
            return True
        stripped = line.strip()
        if (
            item is None
            and t.quoted_line(line) is None
            and (split := t.split_question(stripped, self.markdown))
            and not split[1]
        ):
            self.flush()
            self.open_question(split[0], "", inline=False)
            return True
        if faq.question is not None and not faq.inline:
            faq.answer.append(line if self.markdown else stripped)
            return True
        self.close_faq_item()
        return False

    def open_question(self, question: str, answer: str, *, inline: bool) -> None:
        self.close_faq_item()
        self.faq.question, self.faq.answer, self.faq.inline = question, [answer], inline
        self.faq.started = True

    def close_faq_item(self) -> None:
        faq = self.faq
        if faq is None or faq.question is None:
            return
        question, answer = faq.question, faq.answer
        faq.question, faq.answer, faq.inline = None, [], False
        if self.markdown:
            text = "\n".join(answer).strip()
        else:
            text = "\n\n".join(t.escape_plain(a) for a in answer if a.strip())
        if text:
            self.faq_items.append(ParsedFaqItem(question, text))
        else:
            # A question nobody answered stays in the article as a paragraph.
            self.add_block(_Block("paragraph", [question], -2))

    def close_faq(self) -> None:
        self.close_faq_item()
        self.faq = None

    # -- the result ------------------------------------------------------

    def finish(self, title: str) -> ParsedArticle:
        dateline = self.take_dateline()
        sections = []
        for draft in self.drafts:
            body = "\n\n".join(
                self.render(block) for block in draft.blocks if block.items
            ).strip()
            if draft.heading or body or draft.tables:
                sections.append(
                    ParsedSection(draft.heading, draft.kind, body, draft.tables)
                )
        return ParsedArticle(
            title=title,
            sections=sections,
            faq_items=self.faq_items,
            dateline=dateline,
            comment_prompt=self.prompt,
            is_markdown=self.markdown,
        )

    def take_dateline(self) -> str:
        """Remove "London – " from the first paragraph and return "London"."""
        first = next((d for d in self.drafts if d.blocks or d.tables), None)
        if first is None or first.kind != TEXT or not first.blocks:
            return ""
        block = first.blocks[0]
        if block.kind not in {"paragraph", "markdown"}:
            return ""
        line = block.items[0]
        if block.kind == "markdown" and (
            t.bullet_item(line)
            or t.numbered_item(line)
            or t.quoted_line(line) is not None
        ):
            return ""
        split = t.split_dateline(line)
        if split is None:
            return ""
        block.items[0] = split[1]
        return split[0]

    def render(self, block: _Block) -> str:
        """The block as Markdown for a section body."""
        if self.markdown:
            if block.kind == "markdown":
                labelled = [t.labelled_line(line) for line in block.items]
                if len(labelled) > 1 and all(labelled):
                    return "\n".join(f"- **{a}:** {b}" for a, b in labelled)
                return "\n".join(block.items)
            return "\n\n".join(block.items)
        esc = t.escape_plain
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
