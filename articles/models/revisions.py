"""Changes to a live article that readers do not see yet."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .article import Article


class PendingEdit(models.Model):
    """The next version of a live article, kept apart until an editor publishes it.

    One per article: a later save at the desk replaces it. ``state`` is the
    article and its parts as they will be (``articles/revisions.py`` reads
    and applies it); ``base`` is the live article the edit started from, so
    that publishing changes only what the edit changed.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="pending_edit"
    )
    state = models.JSONField(encoder=DjangoJSONEncoder)
    base = models.JSONField(encoder=DjangoJSONEncoder)
    summary = models.TextField(
        blank=True, help_text="What the edit changes, as the history says it."
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-saved_at"]
        verbose_name = "change not yet live"
        verbose_name_plural = "changes not yet live"

    def __str__(self) -> str:
        saved = timezone.localtime(self.saved_at)
        return f"Changes to “{self.article}” saved {saved:%Y-%m-%d %H:%M}"
