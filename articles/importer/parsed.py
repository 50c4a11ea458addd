"""What the importer makes of an article file, before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.models import Section

from .text import slug_for_title

# The kinds of section the importer makes: the model's own choices.
TEXT, CALLOUT, FAQ = Section.Kind.TEXT, Section.Kind.CALLOUT, Section.Kind.FAQ


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
        return slug_for_title(self.title)

    @property
    def table_of_contents(self) -> list[str]:
        return [s.heading for s in self.sections if s.heading and s.kind != CALLOUT]

    @property
    def tables(self) -> list[ParsedTable]:
        return [table for s in self.sections for table in s.tables]
