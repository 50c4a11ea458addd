from __future__ import annotations

from django.db import models
from django.db.models import Case, Q, Value, When


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

    def by_email(self, email: str) -> CommentQuerySet:
        return (
            self.filter(author_email__iexact=email.strip())
            if email.strip()
            else self.none()
        )
