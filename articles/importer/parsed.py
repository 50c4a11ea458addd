"""What the importer makes of an article file, before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.models import Section

from .text import slug_for_title

# The kinds of section the importer makes: the model's own choices.
TEXT, CALLOUT, FAQ = Section.Kind.TEXT, Section.Kind.CALLOUT, Section.Kind.FAQ


@dataclass(frozen=True)
class Found:
    """Where a piece of the article was found and by which rule, for editors to check."""

    line: int  # in the file, counting from 1; 0 when it has no single line
    rule: str  # "short paragraph between headline and contents"

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule}" if self.line else self.rule


@dataclass
class ParsedTable:
    rows: list[list[str]]
    is_first_row_header: bool
    # Empty unless the text gives one: an editor writes it before publishing.
    caption: str
    source_note: str = ""
    found: Found | None = None
    caption_found: Found | None = None


@dataclass
class ParsedSection:
    heading: str = ""
    kind: str = TEXT
    body: str = ""
    # Shown after the body, in this order.
    tables: list[ParsedTable] = field(default_factory=list)
    # Starts a part of the article: this section and the ones after it, up to
    # the next part heading, are listed under it.
    part_heading: str = ""
    # The part is a second story after the end of the article ("Follow-up: …").
    is_follow_up: bool = False
    found: Found | None = None
    part_found: Found | None = None


@dataclass
class ParsedFaqItem:
    question: str
    answer: str
    found: Found | None = None


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
    standfirst: str = ""
    discussion_question: str = ""
    # Where the article-wide pieces were found: "title", "standfirst",
    # "byline", "dateline", "comment_prompt", "discussion_question".
    found: dict[str, Found] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return slug_for_title(self.title)

    @property
    def table_of_contents(self) -> list[str]:
        return [s.heading for s in self.sections if s.heading and s.kind != CALLOUT]

    @property
    def tables(self) -> list[ParsedTable]:
        return [table for s in self.sections for table in s.tables]
