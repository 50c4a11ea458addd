from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        """Comments readers may see: approved by a moderator."""
        return self.filter(status=Comment.Status.APPROVED)

    def in_moderation(self) -> CommentQuerySet:
        """Comments waiting for a moderator's decision."""
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Removed"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author_name = models.CharField(max_length=80)
    author_email = models.EmailField(blank=True, help_text="Never shown to readers.")
    body = models.TextField(help_text="Plain text; shown exactly as written.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why the moderator decided as they did."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The approved comments of one article, oldest first (article page, feed).
            models.Index(
                fields=["article", "status", "created_at"],
                name="comments_article_status_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.article_id}"

    def get_absolute_url(self) -> str:
        # The article page's discussion; comments are not listed there one by
        # one yet, so there is no per-comment anchor to point at.
        return f"{self.article.get_absolute_url()}#comments"

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": "A comment cannot reply to itself."})
        if self.parent.article_id != self.article_id:
            raise ValidationError({"parent": "Replies must be on the same article."})
