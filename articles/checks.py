"""Checks before publishing: what must be fixed, and what is worth a second look.

An error blocks publishing, scheduling and saving a published article, by any
route (the change form, the list's "Publish" action): no byline, no
standfirst, no text, an image without alt text or with a file name for one,
a table without a caption or a header row. A warning is shown and publishing
goes ahead: a heading used twice, a very long title, an empty FAQ answer, a
capital letter that slipped (found by the importer's own detector, so the
desk and the importer agree).

The checks read an article and its saved parts (``article.sections.all()``
and so on, so a prefetch serves them). The desk runs them on what a save is
about to commit, inside its transaction: the one set of rules sees exactly
what readers would.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from .importer.capitals import capitalisation_warnings
from .importer.parsed import Found, ParsedArticle, ParsedSection
from .importer.text import heading_key
from .markup import html_to_text
from .models import Article, ArticleTable, FaqItem, Section

# Longer titles are cut short in search results and link previews.
LONG_TITLE = 110

# "IMG_1234.jpg", "photo.png", "DSC01234": what a camera or a disk called the file.
_FILE_NAME = re.compile(
    r"\S+\.(?:jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp|svg)"
    r"|(?:img|dsc[nf]?|pxl|mvimg|dcim|screenshot|photo|image|pic)[\s_-]*\d[\w-]*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# Where a part of the article is edited: its inline row's id ("sections-2").
Locate = Callable[[models.Model], str]


@dataclass(frozen=True)
class Problem:
    message: str
    is_error: bool
    # The id of the field or inline row to fix it in, on the change form.
    anchor: str = ""


@dataclass
class Checklist:
    problems: list[Problem] = field(default_factory=list)
    word_count: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


# More checks for parts other modules add: f(article, locate) → problems.
EXTRA_CHECKS: list[Callable[[Article, Locate], Iterable[Problem]]] = []


def is_file_name(text: str) -> bool:
    """Whether alt text is a file's name rather than a description."""
    return bool(_FILE_NAME.fullmatch(text.strip()))


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def _nowhere(part: models.Model) -> str:
    return ""


def check_article(article: Article, locate: Locate = _nowhere) -> Checklist:
    """The checklist of a saved article: errors, warnings and its word count."""
    sections = list(article.sections.all())
    tables = list(article.tables.all())
    faq_items = list(article.faq_items.all())
    problems = [
        *_check_byline(article),
        *_check_standfirst(article),
        *_check_text(sections),
        *_check_lead_image(article),
        *_check_tables(tables, locate),
        *_check_title(article),
        *_check_headings(sections, locate),
        *_check_faq(faq_items, locate),
        *_check_capitals(article, sections, locate),
    ]
    for extra in EXTRA_CHECKS:
        problems += extra(article, locate)
    problems.sort(key=lambda problem: not problem.is_error)
    return Checklist(problems, word_count=text_word_count(sections))


def text_word_count(sections: Iterable[Section]) -> int:
    """Words in the sections' headings and text, as readers see them."""
    return sum(
        count_words(section.heading) + count_words(html_to_text(section.body_html))
        for section in sections
    )


def _check_byline(article: Article) -> list[Problem]:
    if article.bylines.all():
        return []
    return [Problem("No byline: add the author.", True, "bylines-group")]


def _check_standfirst(article: Article) -> list[Problem]:
    if article.standfirst.strip():
        return []
    return [
        Problem(
            "No standfirst: write one or two sentences under the headline.",
            True,
            "id_standfirst",
        )
    ]


def _check_text(sections: list[Section]) -> list[Problem]:
    if any(s.kind == Section.Kind.TEXT and s.body.strip() for s in sections):
        return []
    return [Problem("No text: add a text section.", True, "sections-group")]


def _check_lead_image(article: Article) -> list[Problem]:
    if not article.lead_image:
        return []
    alt = article.lead_image_alt.strip()
    if not alt:
        message = "The lead image has no alt text: describe the picture."
    elif is_file_name(alt):
        message = (
            f"The lead image's alt text “{alt}” is a file name: describe the picture."
        )
    else:
        return []
    return [Problem(message, True, "id_lead_image_alt")]


def _table_name(table: ArticleTable, n: int) -> str:
    return f"The table “{table.caption}”" if table.caption.strip() else f"Table {n}"


def _check_tables(tables: list[ArticleTable], locate: Locate) -> list[Problem]:
    problems = []
    for n, table in enumerate(tables, start=1):
        name = _table_name(table, n)
        if not table.caption.strip():
            problems.append(
                Problem(
                    f"{name} has no caption: say what it shows.", True, locate(table)
                )
            )
        if not any(cell.strip() for cell in table.header):
            problems.append(
                Problem(
                    f"{name} has no header row: put the column headings in the "
                    "first row and tick “has header row”.",
                    True,
                    locate(table),
                )
            )
    return problems


def _check_title(article: Article) -> list[Problem]:
    if len(article.title) <= LONG_TITLE:
        return []
    return [
        Problem(
            f"The title has {len(article.title)} characters: over {LONG_TITLE} "
            "it is cut short in search results and link previews.",
            False,
            "id_title",
        )
    ]


def _check_headings(sections: list[Section], locate: Locate) -> list[Problem]:
    problems, seen = [], Counter()
    for section in sections:
        key = heading_key(section.heading) if section.heading.strip() else ""
        if not key:
            continue
        seen[key] += 1
        if seen[key] == 2:
            problems.append(
                Problem(
                    f"The heading “{section.heading}” is used more than once: "
                    "readers cannot tell the sections apart in the contents.",
                    False,
                    locate(section),
                )
            )
    return problems


def _check_faq(faq_items: list[FaqItem], locate: Locate) -> list[Problem]:
    return [
        Problem(
            f"The question “{item.question}” has an empty answer.",
            False,
            locate(item),
        )
        for item in faq_items
        if not item.answer.strip()
    ]


def _check_capitals(
    article: Article, sections: list[Section], locate: Locate
) -> list[Problem]:
    """The importer's capital-letter notes, on the article written out as Markdown."""
    lines = [f"# {article.title}", ""]
    where: dict[int, tuple[str, str]] = {1: ("the title", "id_title")}
    if article.standfirst.strip():
        for line in article.standfirst.splitlines():
            lines.append(line)
            where[len(lines)] = ("the standfirst", "id_standfirst")
        lines.append("")
    parsed_sections = []
    for n, section in enumerate(sections, start=1):
        name = f"section “{section.heading}”" if section.heading else f"section {n}"
        here = (name, locate(section))
        parsed = ParsedSection(heading=section.heading, kind=section.kind)
        if section.part_heading:
            lines += [f"## {section.part_heading}", ""]
            where[len(lines) - 1] = here
            parsed.part_found = Found(len(lines) - 1, "part heading")
        if section.heading:
            lines += [f"## {section.heading}", ""]
            where[len(lines) - 1] = here
            parsed.found = Found(len(lines) - 1, "heading")
        parsed.part_heading = section.part_heading
        for line in section.body.splitlines():
            lines.append(line)
            where[len(lines)] = here
        lines.append("")
        parsed_sections.append(parsed)
    outline = ParsedArticle(
        title=article.title,
        sections=parsed_sections,
        is_markdown=True,
        found={"title": Found(1, "title")},
    )
    problems = []
    for note in capitalisation_warnings(lines, outline):
        number, _, text = note.removeprefix("line ").partition(": ")
        name, anchor = (
            where.get(int(number), ("", "")) if number.isdigit() else ("", "")
        )
        message = f"In {name}: {text}" if name else note
        problems.append(Problem(f"Capital letters? {message}", False, anchor))
    return problems
