"""Corrections and updates: the dated notes readers see under an article's header.

They are a log, newest first, never one note overwritten by the next. The
latest one's time is the article's modification time for search engines
(``articles/structured_data.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from .article import Article
from .parts import reserve_anchors

# The id of the log on the article page; no section may take it.
CORRECTIONS_ANCHOR = "corrections"
reserve_anchors(CORRECTIONS_ANCHOR)

# A clock a little ahead of the server's is not a note dated in the future.
_CLOCK_SLACK = timedelta(minutes=5)


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        max_length=12,
        choices=Kind,
        default=Kind.CORRECTION,
        help_text="A correction fixes something that was wrong; an update adds "
        "what happened since.",
    )
    text = models.TextField(
        max_length=2000,
        help_text="Shown to readers under the headline, e.g. “An earlier version "
        "of this article gave the wrong date for the vote.”",
    )
    noted_at = models.DateTimeField(
        "time",
        default=timezone.now,
        help_text="Shown with the note. The latest note's time is the article's "
        "modification time for search engines.",
    )

    class Meta:
        ordering = ["-noted_at", "-id"]
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"
        indexes = [
            # The article page's log, newest first.
            models.Index(
                fields=["article", "-noted_at"], name="articles_correction_log_idx"
            )
        ]

    def __str__(self) -> str:
        if self.noted_at is None:
            return str(self.get_kind_display())
        noted = timezone.localtime(self.noted_at)
        return f"{self.get_kind_display()} of {noted:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#{CORRECTIONS_ANCHOR}"

    def clean(self) -> None:
        if self.noted_at and self.noted_at > timezone.now() + _CLOCK_SLACK:
            raise ValidationError(
                {"noted_at": "A correction or update cannot be dated in the future."}
            )


def corrections_of(article: Article) -> list[Correction]:
    """The article's log, newest first; loaded once per article object and kept.

    The article page's template reads ``article.corrections.all`` after the
    view asked for the latest time: both use this one query.
    """
    cache = getattr(article, "_prefetched_objects_cache", {})
    if "corrections" not in cache:
        models.prefetch_related_objects(
            [article],
            Prefetch(
                "corrections",
                queryset=Correction.objects.order_by("-noted_at", "-id"),
            ),
        )
    return list(article.corrections.all())


def latest_correction_at(article: Article) -> datetime | None:
    """When the newest correction or update was noted, if there is one."""
    notes = corrections_of(article) if article.pk else []
    return max((note.noted_at for note in notes), default=None)
