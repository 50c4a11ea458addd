"""Links that let an outside reviewer read one unpublished article.

Only a hash of each link's secret is stored; ``articles/sharing.py`` makes
the links and checks them.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .article import Article


class ShareLinkQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> ShareLinkQuerySet:
        """Links that still open their article: neither revoked nor expired."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class ShareLink(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="share_links"
    )
    # The public half of the link, looked up; the secret half is only hashed.
    selector = models.CharField(max_length=32, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    label = models.CharField(
        "for",
        max_length=120,
        blank=True,
        help_text="Who the link is for, e.g. “Legal review”. Only the desk sees this.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField("expires")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "review link"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="articles_sharelink_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Review link {self.selector[:6]}… for “{self.article}”"

    def state(self, now: datetime | None = None) -> State:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.OPEN
