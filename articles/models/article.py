"""Articles, their tags and their bylines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from ..markup import markdown_to_text
from ..querysets import ArticleQuerySet
from .authors import Author
from .categories import Category, CommentPolicy
from .redirects import ArticleRedirect
from .uploads import check_upload, store_upload

# Publication times outside these years are typing mistakes (0001, 9999) and
# would not survive conversion to the readers' time zone.
EARLIEST_PUBLICATION = datetime(1800, 1, 1, tzinfo=UTC)
LATEST_PUBLICATION = datetime(2200, 1, 1, tzinfo=UTC)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        help_text="Part of the article's address. Once published, changing it keeps "
        "the old address working with a permanent redirect.",
    )
    standfirst = models.TextField(
        "standfirst",
        max_length=400,
        blank=True,
        help_text="One or two sentences under the headline; also used as the summary "
        "in lists, feeds and search engines.",
    )
    dateline = models.CharField(
        max_length=80,
        blank=True,
        help_text="Where the story was reported from, e.g. “London”.",
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="Part of the article's address. Moving a published article keeps "
        "its old address working with a permanent redirect.",
    )
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")
    tags = TaggableManager(
        through="TaggedArticle",
        blank=True,
        help_text="Comma-separated. Related articles share tags.",
    )

    lead_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
        help_text="Location data and other metadata are removed on upload.",
    )
    lead_image_width = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    lead_image_height = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="Describe the picture for readers who cannot see it. Required with an image.",
    )
    lead_image_caption = models.CharField(
        "caption", max_length=300, blank=True, help_text="Shown under the image."
    )
    lead_image_credit = models.CharField(
        "credit",
        max_length=200,
        blank=True,
        help_text="Photographer or agency, shown after the caption.",
    )
    # The lead image's fields above follow it (articles/pictures.py).
    lead_picture = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_articles",
        verbose_name="from the image library",
        help_text="A picture from the library becomes the lead image, with its alt "
        "text, caption and credit unless you change them here. Uploading a file "
        "above instead uses that file.",
    )

    status = models.CharField(
        max_length=12,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only published articles whose publication time has come are shown to readers.",
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="A time in the future schedules the article: it appears on its own then. "
        "Left empty when publishing, it becomes now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who started it at the desk: with the bylines, what makes it a writer's own.
    created_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    is_commenting_open = models.BooleanField(
        "comments open",
        default=True,
        help_text="Untick to close the discussion; existing comments stay visible.",
    )
    comment_prompt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Invitation shown above the comments, e.g. “Share your thoughts: …”.",
    )
    discussion_question = models.CharField(
        max_length=300,
        blank=True,
        help_text="A question put to readers, shown with the comment invitation.",
    )
    comment_policy = models.CharField(
        "comment moderation",
        max_length=12,
        choices=CommentPolicy,
        blank=True,
        default="",
        help_text="Empty: as the category says. “Off” closes the discussion too.",
    )

    # Derived from the sections on every save; never edited by hand.
    body_text = models.TextField(blank=True, editable=False)
    excerpt = models.CharField(max_length=320, blank=True, editable=False)
    # Full-text search on PostgreSQL (GIN-indexed by migration 0002; SQLite
    # uses an FTS5 table instead). Kept current by articles/search/index.py.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "slug"],
                name="articles_article_unique_slug_per_category",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="articles_article_published_has_time",
                violation_error_message="A published article needs a publication time.",
            ),
        ]
        indexes = [
            # published() listings: front page, feeds, sitemaps, tag pages.
            models.Index(
                fields=["status", "-published_at"], name="articles_article_pub_idx"
            ),
            # Category pages and previous/next links within a category.
            models.Index(
                fields=["category", "status", "-published_at"],
                name="articles_article_cat_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        store_upload(self.lead_image)
        if self.pk:
            ArticleRedirect.remember_article_move(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "articles:detail",
            kwargs={"category_slug": self.category.slug, "slug": self.slug},
        )

    def get_preview_url(self) -> str:
        return reverse("articles:preview", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        """The same rule as ArticleQuerySet.published(), for an article already loaded."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def summary(self) -> str:
        return self.standfirst or self.excerpt

    @property
    def share_image_alt(self) -> str:
        """Alt text of the share card's picture: the lead picture, else the first in the text."""
        if self.lead_image:
            return self.lead_image_alt
        first = next(iter(self.figures.all()), None)
        return first.shown_alt_text if first is not None else ""

    @property
    def last_changed_at(self) -> datetime:
        """When readers last saw it change: an edit, or going live when it was scheduled."""
        return max(self.updated_at, self.published_at or self.updated_at)

    @property
    def shows_update_time(self) -> bool:
        """Show "Updated" only for a real change after publication, not a save moments later."""
        return bool(
            self.published_at
            and self.updated_at - self.published_at > timedelta(minutes=10)
        )

    def clean(self) -> None:
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.published_at and not (
            EARLIEST_PUBLICATION <= self.published_at <= LATEST_PUBLICATION
        ):
            raise ValidationError(
                {
                    "published_at": "Choose a publication time between the years "
                    f"{EARLIEST_PUBLICATION.year} and {LATEST_PUBLICATION.year}."
                }
            )
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the image for readers who cannot see it."}
            )
        check_upload(self.lead_image, "lead_image")

    def refresh_derived_text(self) -> None:
        """Recompute ``body_text`` and ``excerpt`` from the saved sections and FAQ."""
        parts, lead_text = [], ""
        for section in self.sections.order_by("position", "id"):
            text = markdown_to_text(section.body) if section.body_html else ""
            parts += [section.heading, text]
            lead_text = lead_text or text
        for table in self.tables.all():
            parts.append(table.as_text())
        for item in self.faq_items.order_by("position", "id"):
            parts.append(f"{item.question}\n{markdown_to_text(item.answer)}")
        self.body_text = "\n\n".join(p for p in parts if p)
        self.excerpt = Truncator(" ".join(lead_text.split())).chars(300)
        # Model.save(): only the derived columns; post_save re-indexes them.
        super().save(update_fields=["body_text", "excerpt"])


class TaggedArticle(TaggedItemBase):
    """An article's tag, joined by a real foreign key so tag pages use an index."""

    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = "article tag"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggedarticle_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.content_object_id}"


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Bylines are listed in this order, lowest first."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                name="articles_byline_unique_author_per_article",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} on “{self.article}”"


# Ids the article page itself uses; a section anchor must not shadow them.
