"""Small builders for test data: unique defaults, any field overridable."""

from __future__ import annotations

import functools
import itertools
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone

from articles.models import (
    Article,
    ArticleTable,
    Author,
    Byline,
    Category,
    FaqItem,
    Section,
)
from comments.models import Comment

_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


_building = False


@contextmanager
def _as_committed():
    """What a builder makes is as good as committed: the steps a commit runs
    (search index, renditions, derived text) have run when it returns, as in
    a real request. Builders calling builders run them once, at the end."""
    global _building
    if _building:
        yield
        return
    _building = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        _building = False


def _committed(builder):
    @functools.wraps(builder)
    def build(*args, **kwargs):
        with _as_committed():
            return builder(*args, **kwargs)

    return build


def make_category(**overrides) -> Category:
    n = _n()
    fields = {"name": f"Category {n}", "slug": f"category-{n}", "position": n}
    fields.update(overrides)
    return Category.objects.create(**fields)


def make_author(**overrides) -> Author:
    n = _n()
    fields = {
        "name": f"Author {n}",
        "slug": f"author-{n}",
        "bio": f"Writes things {n}.",
    }
    fields.update(overrides)
    return Author.objects.create(**fields)


@_committed
def make_article(
    *,
    authors: list[Author] | None = None,
    tags: list[str] | None = None,
    sections: int = 1,
    **overrides,
) -> Article:
    """A published article (an hour old) with ``sections`` text sections."""
    n = _n()
    fields = {
        "title": f"Article number {n}",
        "slug": f"article-{n}",
        "standfirst": f"Standfirst of article {n}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    fields.update(overrides)
    if "category" not in fields:
        fields["category"] = make_category()
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors or []):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    for i in range(sections):
        make_section(
            article, heading=f"Heading {i + 1}", body=f"Paragraph {i + 1} text."
        )
    article.refresh_derived_text()
    return article


@_committed
def make_section(article: Article, **overrides) -> Section:
    fields = {"heading": f"Section {_n()}", "body": "Some text.", "position": _n()}
    fields.update(overrides)
    return Section.objects.create(article=article, **fields)


@_committed
def make_table(article: Article, **overrides) -> ArticleTable:
    fields = {
        "caption": f"Table {_n()}",
        "rows": [["Name", "Role"], ["Ada", "Engineer"], ["Grace", "Admiral"]],
        "position": _n(),
    }
    fields.update(overrides)
    return ArticleTable.objects.create(article=article, **fields)


@_committed
def make_faq_item(article: Article, **overrides) -> FaqItem:
    n = _n()
    fields = {"question": f"Question {n}?", "answer": f"Answer {n}.", "position": n}
    fields.update(overrides)
    return FaqItem.objects.create(article=article, **fields)


@_committed
def make_comment(article: Article, **overrides) -> Comment:
    n = _n()
    fields = {
        "author_name": f"Reader {n}",
        "body": f"Comment {n}.",
        "status": Comment.Status.APPROVED,
    }
    fields.update(overrides)
    return Comment.objects.create(article=article, **fields)


def make_staff_user(**overrides) -> User:
    n = _n()
    fields = {"username": f"editor{n}", "is_staff": True}
    fields.update(overrides)
    user = User.objects.create_user(password="pass-for-tests-only", **fields)
    return user
