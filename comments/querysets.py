from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

if TYPE_CHECKING:
    from .models import Comment


def same_email(field: str, email: str) -> Exact:
    """``field`` holds ``email`` in any case: the lookup the lower-case indexes serve."""
    return Exact(Lower(field), Lower(Value(email.strip())))


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        """Comments readers may see: approved by a moderator or a rule."""
        return self.filter(status="approved")

    def shown(self) -> CommentQuerySet:
        """What readers see on the site: approved, and replies only under an approved comment."""
        return self.visible().filter(
            Q(parent__isnull=True) | Q(parent__status="approved")
        )

    def in_moderation(self) -> CommentQuerySet:
        """Comments waiting for a moderator's decision."""
        return self.filter(status="pending")

    def needing_decision(self) -> CommentQuerySet:
        """Waiting comments, and approved ones readers reported since."""
        return self.filter(Q(status="pending") | Q(needs_review=True))

    def queue_order(self) -> CommentQuerySet:
        """Waiting and reported comments first, then newest first."""
        return self.annotate(
            queue_rank=Case(
                When(Q(status="pending") | Q(needs_review=True), then=Value(0)),
                default=Value(1),
            )
        ).order_by("queue_rank", "-created_at", "-id")

    def with_article(self) -> CommentQuerySet:
        """Each comment's article and category, without the article's large columns."""
        return self.select_related("article__category").defer(
            "article__body_text", "article__search_vector"
        )

    def newest_since(self, moment: datetime) -> Comment | None:
        """The newest of these comments, if it was posted at ``moment`` or later.

        The time is not asked of the database: its statistics know nothing of
        the comments posted since the table was last analysed, which are the
        very ones asked for, so a planner told "since ten minutes ago" walks
        the time index through all of them. Narrowed by the words' digest
        (the callers' filters), a few rows are read by index instead.
        """
        newest = self.order_by("-created_at", "-id").first()
        return newest if newest is not None and newest.created_at >= moment else None

    def by_email(self, email: str) -> CommentQuerySet:
        return (
            self.filter(same_email("author_email", email))
            if email.strip()
            else self.none()
        )
