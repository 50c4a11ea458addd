"""How an article's parts are arranged on its page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import slugify

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


@dataclass
class Part:
    """Sections under one part heading; the sections before the first part have none.

    A part's heading is an <h2> and its sections' headings are <h3>, so the
    page's outline nests as the contents list does.
    """

    heading: str = ""
    anchor: str = ""
    is_follow_up: bool = False
    blocks: list[SectionBlock] = field(default_factory=list)

    @property
    def level(self) -> int:
        """The heading level of the sections in this part."""
        return 3 if self.heading else 2


@dataclass
class ContentsEntry:
    anchor: str
    heading: str
    is_follow_up: bool = False
    # A part's sections: (anchor, heading).
    children: list[tuple[str, str]] = field(default_factory=list)


class ArticleLayout:
    """Sections in order with their tables, grouped in parts; the contents and the FAQ.

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
        self.parts = self._parts()
        self.contents = self._contents()
        if self.faq_at_end:
            self.contents.append(ContentsEntry(FAQ_ANCHOR, FAQ_HEADING))
        self.faq_anchor = FAQ_ANCHOR
        self.faq_heading = FAQ_HEADING

    def _parts(self) -> list[Part]:
        parts = [Part()]
        taken = {b.anchor for b in self.blocks} | {FAQ_ANCHOR}
        for block in self.blocks:
            section = block.section
            if section.part_heading:
                base = "part-" + (
                    slugify(section.part_heading, allow_unicode=True)[:100].strip("-")
                    or str(section.pk)
                )
                anchor, n = base, 2
                while anchor in taken:
                    anchor, n = f"{base}-{n}", n + 1
                taken.add(anchor)
                parts.append(Part(section.part_heading, anchor, section.is_follow_up))
            parts[-1].blocks.append(block)
        return [part for part in parts if part.heading or part.blocks]

    def _contents(self) -> list[ContentsEntry]:
        """The contents list: sections, and parts with their sections nested."""
        entries = []
        for part in self.parts:
            listed = [
                (b.anchor, b.section.heading)
                for b in part.blocks
                if b.section.in_table_of_contents
            ]
            if part.heading:
                entries.append(
                    ContentsEntry(part.anchor, part.heading, part.is_follow_up, listed)
                )
            else:
                entries += [
                    ContentsEntry(anchor, heading) for anchor, heading in listed
                ]
        return entries
