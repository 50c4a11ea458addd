"""The parts of an article: sections, tables and FAQ items."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from ..markup import render_markdown
from ..tabular import table_rows_errors
from .article import Article

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
    part_heading = models.CharField(
        max_length=300,
        blank=True,
        help_text="Starts a new part of the article under this heading: this section "
        "and the ones after it, up to the next part heading, are listed under it "
        "in the contents.",
    )
    is_follow_up = models.BooleanField(
        "follow-up",
        default=False,
        help_text="Labels the part this section starts as a follow-up story "
        "(“Follow-up: …”). Needs a part heading.",
    )

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
        if self.heading:
            return self.heading
        # The desk numbers sections from 1; 0 is the opening text (an import's
        # lead, or a section added before any other).
        return "Opening section" if self.position == 0 else f"Section {self.position}"

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


def placement_section(part: str, related_name: str) -> models.ForeignKey:
    """The section after whose text a part (a table, a picture) appears."""
    return models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        help_text=f"The {part} appears after this section's text. Without one it "
        "goes at the end of the article.",
    )


def placement_position(parts: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        default=0, help_text=f"Order among {parts} placed in the same section."
    )


class PlacedInSection(models.Model):
    """A part placed in one of its article's sections (``placement_section``).

    Its section is one of the same article's; a deleted section leaves the
    part at the end of the article.
    """

    class Meta:
        abstract = True

    def clean(self) -> None:
        if (
            self.section_id
            and self.article_id
            and self.section.article_id != self.article_id
        ):
            raise ValidationError({"section": "Choose a section of this article."})


class ArticleTable(PlacedInSection):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tables"
    )
    section = placement_section("table", "tables")
    position = placement_position("tables")
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
        super().clean()

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
