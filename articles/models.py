from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .images import make_renditions, sanitise_image
from .markup import markdown_to_text, render_markdown
from .querysets import ArticleQuerySet
from .tabular import table_rows_errors

# Publication times outside these years are typing mistakes (0001, 9999) and
# would not survive conversion to the readers' time zone.
EARLIEST_PUBLICATION = datetime(1800, 1, 1, tzinfo=UTC)
LATEST_PUBLICATION = datetime(2200, 1, 1, tzinfo=UTC)

# First path segments the site itself uses; a category cannot take them.
RESERVED_CATEGORY_SLUGS = frozenset(
    {
        "admin",
        "authors",
        "feeds",
        "healthz",
        "media",
        "news-sitemap.xml",
        "preview",
        "robots.txt",
        "search",
        "sitemap.xml",
        "sitemaps",
        "static",
        "tags",
        "comments",
        "accounts",
    }
)


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


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The author's page is /authors/slug/; changing it breaks links to it.",
    )
    role = models.CharField(
        max_length=120,
        blank=True,
        help_text="Shown under the name, e.g. “Europe correspondent”.",
    )
    bio = models.TextField(
        blank=True, help_text="A few sentences for the author's page."
    )
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        help_text="A square portrait works best. Location data is removed on upload.",
    )
    user = models.OneToOneField(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that writes as this author, if any.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.photo and not self.photo._committed:
            cleaned = sanitise_image(self.photo.file)
            self.photo.save(cleaned.name, cleaned, save=False)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.photo and not self.photo._committed:
            try:
                sanitise_image(self.photo.file)
            except ValidationError as error:
                raise ValidationError({"photo": error.messages}) from None


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
    updated_at = models.DateTimeField(auto_now=True)
    update_note = models.TextField(
        "correction or update note",
        blank=True,
        help_text="Shown at the top of the article, e.g. “This article was corrected on …”.",
    )

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
        new_image = bool(self.lead_image) and not self.lead_image._committed
        if new_image:
            cleaned = sanitise_image(self.lead_image.file)
            self.lead_image.save(cleaned.name, cleaned, save=False)
        if self.pk:
            ArticleRedirect.remember_article_move(self)
        super().save(*args, **kwargs)
        if new_image:
            make_renditions(self.lead_image)

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
        if self.lead_image and not self.lead_image._committed:
            try:
                sanitise_image(self.lead_image.file)
            except ValidationError as error:
                raise ValidationError({"lead_image": error.messages}) from None

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
        return f"{self.author} on {self.article_id}"


# Ids the article page itself uses; a section anchor must not shadow them.
# Apps that add parts to the page reserve their own ids with reserve_anchors().
RESERVED_ANCHORS = {
    "main",
    "content",
    "contents",
    "toc",
    "faq",
    "related",
    "top",
    "navigation",
    "article-title",
    "toc-heading",
    "related-heading",
    "site-search-q",
}


def reserve_anchors(*anchors: str) -> None:
    """Keep section anchors off ids another part of the article page uses."""
    RESERVED_ANCHORS.update(anchors)


class Section(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        CALLOUT = "callout", "Callout box (e.g. “Did you know?”)"
        FAQ = "faq", "FAQ (shows the article's questions and answers here)"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Sections are shown in this order, lowest first."
    )
    heading = models.CharField(
        max_length=300,
        blank=True,
        help_text="Text sections with a heading appear in the table of contents. "
        "Leave empty to continue the previous section.",
    )
    anchor = models.SlugField(
        max_length=120,
        blank=True,
        allow_unicode=True,
        help_text="The #link to this section. Made from the heading when empty and then "
        "kept, so links people shared keep working if the heading is reworded.",
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind,
        default=Kind.TEXT,
        help_text="A callout is a box beside the text and stays out of the table of "
        "contents; an FAQ section is where the questions and answers appear.",
    )
    body = models.TextField(
        blank=True,
        help_text="Paragraphs separated by a blank line. *Emphasis*, **strong**, "
        "[link text](https://…), “- ” lists, “1. ” lists and “> ” quotations.",
    )
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "anchor"],
                condition=~Q(anchor=""),
                name="articles_section_unique_anchor_per_article",
                violation_error_message="Another section of this article already "
                "uses this link name.",
            )
        ]

    def __str__(self) -> str:
        return self.heading or f"Section {self.position}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        if self.anchor or self.heading:
            # Also for an anchor typed by hand: two new sections given the same
            # one in a single save would otherwise fail on the constraint.
            self.anchor = self._free_anchor(
                self.anchor or slugify(self.heading, allow_unicode=True)[:100]
            )
        super().save(*args, **kwargs)

    @property
    def in_table_of_contents(self) -> bool:
        return bool(self.heading) and self.kind != self.Kind.CALLOUT

    @property
    def is_callout(self) -> bool:
        return self.kind == self.Kind.CALLOUT

    def _free_anchor(self, base: str) -> str:
        base = base or f"section-{self.position}"
        if base in RESERVED_ANCHORS or base.startswith(("table-", "front-")):
            base = f"{base}-section"
        taken = set(
            Section.objects.filter(article_id=self.article_id)
            .exclude(pk=self.pk)
            .values_list("anchor", flat=True)
        )
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate


class ArticleTable(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tables"
    )
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tables",
        help_text="The table appears after this section's text. Without one it goes "
        "at the end of the article.",
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Order among tables placed in the same section."
    )
    caption = models.CharField(max_length=300, help_text="Says what the table shows.")
    source_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the figures come from, shown under the table.",
    )
    rows = models.JSONField(default=list, blank=True)
    is_first_row_header = models.BooleanField(
        default=True, help_text="The first row holds column headings."
    )
    is_first_column_header = models.BooleanField(
        default=False,
        help_text="The first column names each row (e.g. a list of people).",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption

    def clean(self) -> None:
        errors = table_rows_errors(self.rows)
        if errors:
            raise ValidationError({"rows": errors})
        if (
            self.section_id
            and self.article_id
            and self.section.article_id != self.article_id
        ):
            raise ValidationError({"section": "Choose a section of this article."})

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.is_first_row_header and self.rows else []

    @property
    def body_rows(self) -> list[list[str]]:
        return self.rows[1:] if self.is_first_row_header else self.rows

    def as_text(self) -> str:
        lines = [self.caption, *("\t".join(row) for row in self.rows), self.source_note]
        return "\n".join(line for line in lines if line)


class FaqItem(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="faq_items"
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Questions are shown in this order, lowest first."
    )
    question = models.CharField(
        max_length=300, help_text="Shown as a heading, and to search engines as an FAQ."
    )
    answer = models.TextField(help_text="Same formatting as section text.")
    answer_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "FAQ item"

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        self.answer_html = render_markdown(self.answer)
        super().save(*args, **kwargs)


class ArticleRedirect(models.Model):
    """An address an article used to have; it answers with a 301 to the current one."""

    old_category_slug = models.SlugField(max_length=80)
    old_slug = models.SlugField(max_length=200)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["old_category_slug", "old_slug"],
                name="articles_redirect_unique_old_path",
            )
        ]

    def __str__(self) -> str:
        return f"/{self.old_category_slug}/{self.old_slug}/ → {self.article_id}"

    @classmethod
    def remember(cls, article_id: int, category_slug: str, slug: str) -> None:
        cls.objects.update_or_create(
            old_category_slug=category_slug,
            old_slug=slug,
            defaults={"article_id": article_id},
        )

    @classmethod
    def remember_article_move(cls, article: Article) -> None:
        """Record the article's current address if this save is about to change it."""
        old = (
            Article.objects.filter(pk=article.pk)
            .values("slug", "category_id", "category__slug", "published_at")
            .first()
        )
        if old is None or old["published_at"] is None:
            return
        if old["slug"] != article.slug or old["category_id"] != article.category_id:
            cls.remember(article.pk, old["category__slug"], old["slug"])

    @classmethod
    def remember_category_move(cls, category: Category, old_slug: str) -> None:
        """Every published article of a renamed category keeps its old address (one query)."""
        moved = category.articles.exclude(published_at=None).values_list("pk", "slug")
        cls.objects.bulk_create(
            [
                cls(article_id=pk, old_category_slug=old_slug, old_slug=slug)
                for pk, slug in moved
            ],
            update_conflicts=True,
            unique_fields=["old_category_slug", "old_slug"],
            update_fields=["article"],
        )


class CategoryRedirect(models.Model):
    """A slug a category used to have; its old page answers with a 301."""

    old_slug = models.SlugField(max_length=80, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"/{self.old_slug}/ → {self.category}"
