"""How an article's parts are arranged on its page."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Article, ArticleTable, FaqItem, Section

FAQ_ANCHOR = "faq"
FAQ_HEADING = "Frequently asked questions"


@dataclass
class SectionBlock:
    section: Section
    tables: list[ArticleTable] = field(default_factory=list)
    # True for the one section where the article's FAQ items are listed.
    shows_faq: bool = False

    @property
    def anchor(self) -> str:
        return self.section.anchor or f"section-{self.section.pk}"


class ArticleLayout:
    """Sections in order with their tables, the table of contents and the FAQ.

    Works only from what ``for_detail()`` prefetched, so it adds no queries.
    """

    def __init__(self, article: Article) -> None:
        sections = list(article.sections.all())
        tables = list(article.tables.all())
        self.faq_items: list[FaqItem] = list(article.faq_items.all())
        section_ids = {s.pk for s in sections}
        self.blocks = [
            SectionBlock(s, [t for t in tables if t.section_id == s.pk])
            for s in sections
        ]
        # Tables whose section was deleted, or never chosen, close the article.
        self.loose_tables = [t for t in tables if t.section_id not in section_ids]
        faq_block = next(
            (b for b in self.blocks if b.section.kind == Section.Kind.FAQ), None
        )
        if faq_block is not None:
            faq_block.shows_faq = True
        self.faq_at_end = bool(self.faq_items) and faq_block is None
        self.table_of_contents = [
            (b.anchor, b.section.heading)
            for b in self.blocks
            if b.section.in_table_of_contents
        ]
        if self.faq_at_end:
            self.table_of_contents.append((FAQ_ANCHOR, FAQ_HEADING))
        self.faq_anchor = FAQ_ANCHOR
        self.faq_heading = FAQ_HEADING
