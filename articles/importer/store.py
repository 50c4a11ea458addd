"""Read article files safely and save parsed articles in one transaction."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..models import Article, ArticleTable, Author, Byline, Category, FaqItem, Section
from .errors import ArticleParseError
from .parsed import ParsedArticle
from .parser import parse_article
from .text import heading_key, one_line, slug_for_title

# Articles are a few dozen kilobytes; anything this big is not one.
MAX_FILE_BYTES = 2 * 1024 * 1024
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


class AlreadyImported(Exception):
    """An article with this title already exists in the category."""

    def __init__(self, article: Article) -> None:
        super().__init__(article.title)
        self.article = article


def _not_a_file(mode: int) -> str:
    """Why a path with this st_mode cannot be read as an article ("" for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "is a directory, not an article file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not an article file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not an article file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not an article file"
    return "is not a regular file"


def _open_without_waiting(path: str, flags: int) -> int:
    # Opening a FIFO waits for a writer; should the path become one after the
    # check, open() must return at once so that fstat can refuse it.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def read_article_file(path: str | Path) -> str:
    """The text of an article file; ArticleParseError says in one line why it cannot be read.

    Only regular files (or links to them) are read: a FIFO would block the
    import for ever and a device such as /dev/zero never ends.
    """
    path = Path(path)
    try:
        if problem := _not_a_file(path.stat().st_mode):
            raise ArticleParseError(problem)
        with open(path, "rb", opener=_open_without_waiting) as handle:
            if problem := _not_a_file(os.fstat(handle.fileno()).st_mode):
                raise ArticleParseError(problem)
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ArticleParseError("no such file") from None
    except PermissionError:
        raise ArticleParseError("permission denied") from None
    except OSError as error:
        raise ArticleParseError(f"cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleParseError(
            f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; an article file "
            "should be a few dozen kilobytes"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ArticleParseError("is UTF-16 text; save it as UTF-8 and import it again")
    if b"\x00" in data:
        raise ArticleParseError("looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleParseError(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
            f"{error.start}); save it as UTF-8 and import it again"
        ) from None
    if not text.strip():
        raise ArticleParseError("the file is empty")
    return text


def parse_article_file(path: str | Path) -> ParsedArticle:
    path = Path(path)
    markdown = True if path.suffix.lower() in MARKDOWN_SUFFIXES else None
    return parse_article(read_article_file(path), markdown=markdown)


def find_existing(parsed: ParsedArticle, category: Category) -> Article | None:
    """The article a re-import of ``parsed`` into ``category`` would replace."""
    return (
        Article.objects.select_related("category")
        .filter(category=category, slug=parsed.slug)
        .first()
    )


def save_parsed_article(
    parsed: ParsedArticle,
    *,
    category: Category,
    authors: Iterable[Author] = (),
    tags: Iterable[str] = (),
    publish: bool = False,
    published_at: datetime | None = None,
    standfirst: str = "",
    replace: bool = False,
) -> Article:
    """Create the article (or, with ``replace``, rewrite an existing one) with all its parts.

    Everything happens in one transaction: a failure leaves no trace. Without
    ``replace`` an existing article with the same slug in the category raises
    AlreadyImported and nothing changes. Authors and tags given replace the
    existing ones; when none are given an existing article keeps its own.
    """
    authors, tags = list(authors), list(tags)
    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(category=category, slug=parsed.slug)
            .first()
        )
        if article is not None and not replace:
            raise AlreadyImported(article)
        old_anchors: dict[str, str] = {}
        if article is None:
            article = Article(category=category, slug=parsed.slug)
        else:
            for heading, anchor in article.sections.values_list("heading", "anchor"):
                old_anchors.setdefault(heading_key(heading), anchor)
            article.sections.all().delete()
            article.tables.all().delete()
            article.faq_items.all().delete()
        article.title = parsed.title
        article.dateline = parsed.dateline
        article.comment_prompt = parsed.comment_prompt
        article.discussion_question = parsed.discussion_question
        # One given here wins over the text's; an update without either
        # keeps the one an editor may have written.
        article.standfirst = standfirst or parsed.standfirst or article.standfirst
        if publish:
            article.status = Article.Status.PUBLISHED
            article.published_at = (
                published_at or article.published_at or timezone.now()
            )
        article.save()
        if authors:
            article.bylines.all().delete()
            Byline.objects.bulk_create(
                Byline(article=article, author=author, position=n)
                for n, author in enumerate(dict.fromkeys(authors))
            )
        if tags:
            article.tags.set(tags, clear=True)
        _save_parts(article, parsed, old_anchors)
        article.refresh_derived_text()
    return article


def _save_parts(
    article: Article, parsed: ParsedArticle, old_anchors: dict[str, str]
) -> None:
    table_position = 0
    for position, part in enumerate(parsed.sections):
        section = Section(
            article=article,
            position=position,
            heading=part.heading,
            kind=part.kind,
            body=part.body,
            part_heading=part.part_heading,
            is_follow_up=part.is_follow_up,
        )
        if part.heading:
            # Keep the #links readers shared when the heading survives a re-import.
            anchor = old_anchors.pop(heading_key(part.heading), "")
            section.anchor = anchor
        section.save()
        for table in part.tables:
            # The caption may be empty: the editor writes it before publishing.
            ArticleTable.objects.create(
                article=article,
                section=section,
                position=table_position,
                caption=table.caption,
                source_note=table.source_note,
                rows=table.rows,
                is_first_row_header=table.is_first_row_header,
            )
            table_position += 1
    for position, item in enumerate(parsed.faq_items):
        FaqItem.objects.create(
            article=article,
            position=position,
            question=item.question,
            answer=item.answer,
        )


def category_for(value: str, *, create: bool = False) -> Category:
    """The category named or slugged ``value``; created only when ``create`` is set."""
    value = one_line(value)
    slug = slugify(value)
    category = (
        Category.objects.filter(slug=slug).first()
        or Category.objects.filter(name__iexact=value).first()
    )
    if category is not None:
        return category
    if not create:
        known = ", ".join(Category.objects.values_list("name", flat=True)[:20])
        raise ArticleParseError(
            f"there is no category “{value}” (existing: {known or 'none'}); "
            "add --create-category to create it"
        )
    if not slug:
        raise ArticleParseError(f"“{value}” cannot be made into a category address")
    category = Category(name=value[:80], slug=slug[:80])
    try:
        category.full_clean()
    except ValidationError as error:
        raise ArticleParseError(
            f"cannot create category “{value}”: {' '.join(error.messages)}"
        ) from None
    category.save()
    return category


def author_for(name: str) -> Author:
    """The author called ``name``, created (with a free slug) when missing."""
    name = one_line(name)
    if not name:
        raise ArticleParseError("an author's name cannot be empty")
    if len(name) > 120:
        raise ArticleParseError("an author's name may have at most 120 characters")
    author = Author.objects.filter(name__iexact=name).first()
    if author is not None:
        return author
    base = slugify(name)[:110].strip("-") or slug_for_title(name, 110)
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Author.objects.create(name=name, slug=slug)
