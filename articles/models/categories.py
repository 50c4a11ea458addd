"""Categories: the site's sections in the navigation, and their comment presets."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from newsroom.admin_path import PUBLIC_TOP_LEVEL

from .redirects import ArticleRedirect, CategoryRedirect

# First path segments the site itself uses; a category cannot take them
# (the project's URL map keeps the list; the desk's default path is added).
RESERVED_CATEGORY_SLUGS = PUBLIC_TOP_LEVEL | {"admin"}


class CommentPolicy(models.TextChoices):
    """How new reader comments are moderated; chosen per category, per article."""

    PRE = "pre", "Pre-moderated: every comment waits for a moderator"
    FIRST_TIME = "first-time", "First-time commenters held, trusted ones published"
    POST = "post", "Post-moderated: published at once, removed if needed"
    OFF = "off", "Off: no new comments"


def validate_category_slug(value: str) -> None:
    # The desk may live elsewhere than admin/ (NEWSROOM_ADMIN_PATH).
    desk = settings.NEWSROOM_ADMIN_PATH.split("/", 1)[0].lower()
    if value.lower() in RESERVED_CATEGORY_SLUGS or value.lower() == desk:
        raise ValidationError(
            "“%(value)s” is used by another part of the site; choose another slug.",
            params={"value": value},
        )


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_category_slug],
        help_text="The category's address: /slug/. Changing it moves every article in it; "
        "old article addresses keep working through redirects.",
    )
    description = models.TextField(
        blank=True, help_text="Shown under the category's name and in search results."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the navigation bar: lower numbers come first."
    )
    is_in_navigation = models.BooleanField(
        default=True,
        help_text="Untick to keep the category's page but hide it from the menu.",
    )
    comment_policy = models.CharField(
        "comment moderation",
        max_length=12,
        choices=CommentPolicy,
        blank=True,
        default="",
        help_text="For the category's articles, unless an article says otherwise. "
        "Empty: the site's default (NEWSROOM_COMMENT_MODERATION).",
    )
    comments_close_after_days = models.PositiveSmallIntegerField(
        "close comments after (days)",
        null=True,
        blank=True,
        help_text="New comments stop this many days after publication. Empty: never.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_slug = None
        if self.pk:
            old_slug = (
                Category.objects.filter(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
            )
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            CategoryRedirect.objects.filter(old_slug=self.slug).delete()
            CategoryRedirect.objects.update_or_create(
                old_slug=old_slug, defaults={"category": self}
            )
            ArticleRedirect.remember_category_move(self, old_slug)

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})
