"""The comments an article page shows: a bounded page of threads, in two queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from articles.models import Article

from .models import Comment

# The fields a comment on a page needs; the moderation data stays behind.
_SHOWN = ("id", "article_id", "parent_id", "author_name", "body", "created_at")


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)
    reply_count: int = 0

    @property
    def hidden_replies(self) -> int:
        return self.reply_count - len(self.replies)


@dataclass
class Discussion:
    article: Article
    threads: list[Thread]
    total: int
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _shown():
    return Comment.objects.shown().order_by()


def _visible_count(article_id) -> Subquery:
    """Comments readers can see on the article: approved, with an approved parent if a reply."""
    counted = (
        _shown()
        .filter(article_id=article_id)
        .values("article_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _reply_count() -> Subquery:
    replies = (
        Comment.objects.visible()
        .filter(parent_id=OuterRef("pk"))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(replies, output_field=IntegerField()), 0)


def load(article: Article, page: int = 1) -> Discussion:
    """Threads newest first, ``NEWSROOM_COMMENTS_PER_PAGE`` a page, each with its
    first ``NEWSROOM_COMMENT_REPLIES_SHOWN`` replies (oldest first).

    Always exactly two queries, whatever the number of comments.
    """
    per_page = settings.NEWSROOM_COMMENTS_PER_PAGE
    start = (page - 1) * per_page
    top_level = (
        Comment.objects.visible()
        .filter(article_id=article.pk, parent__isnull=True)
        .order_by("-created_at", "-id")
    )
    rows = list(
        top_level.only(*_SHOWN).annotate(
            reply_total=_reply_count(), discussion_total=_visible_count(article.pk)
        )[start : start + per_page + 1]
    )
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    page_ids = top_level.values("id")[start : start + per_page]
    replies = (
        Comment.objects.visible()
        .filter(parent_id__in=Subquery(page_ids))
        .only(*_SHOWN)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("parent_id")],
                order_by=[F("created_at").asc(), F("id").asc()],
            )
        )
        .filter(place__lte=settings.NEWSROOM_COMMENT_REPLIES_SHOWN)
        .order_by("created_at", "id")
    )
    threads = {row.pk: Thread(row, reply_count=row.reply_total) for row in rows}
    for reply in replies:
        if reply.parent_id in threads:
            threads[reply.parent_id].replies.append(reply)
    for comment in (*rows, *(r for t in threads.values() for r in t.replies)):
        comment.article = article  # loaded already: no query per comment
    total = rows[0].discussion_total if rows else 0
    return Discussion(
        article=article,
        threads=list(threads.values()),
        total=total,
        page=page,
        has_next=has_next,
    )


def counts_for(article_ids: list[int]) -> dict[int, int]:
    """Visible comments per article, in one query (list pages)."""
    if not article_ids:
        return {}
    rows = (
        _shown()
        .filter(article_id__in=article_ids)
        .values("article_id")
        .annotate(n=Count("id"))
        .values_list("article_id", "n")
    )
    return dict(rows)
