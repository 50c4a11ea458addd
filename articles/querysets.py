"""Querysets for articles. Each method names the page it serves and owns its joins."""

from __future__ import annotations

import operator
from datetime import datetime
from functools import reduce
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from taggit.models import Tag

    from .models import Article


def _related(queryset: models.QuerySet, name: str) -> models.Manager:
    """The default manager of the model behind ``name`` (bylines, sections…).

    Found through the relation, so this module need not import the models
    that import it.
    """
    return queryset.model._meta.get_field(name).related_model._default_manager


def _fetch_mode():
    # Tests run with NEWSROOM_STRICT_FETCH so that any lazy load a page did not
    # plan for raises instead of quietly adding a query per row.
    return models.FETCH_RAISE if settings.NEWSROOM_STRICT_FETCH else models.FETCH_PEERS


# How many of the newest articles sharing a tag are weighed as related ones.
RELATED_CANDIDATES = 200

LISTING_FIELDS = (
    "id",
    "title",
    "slug",
    "standfirst",
    "excerpt",
    "dateline",
    "status",
    "published_at",
    "updated_at",
    "lead_image",
    "lead_image_width",
    "lead_image_height",
    "lead_image_alt",
    "category__id",
    "category__name",
    "category__slug",
)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles readers may see: published, and their publication time reached.

        The only definition of "public" in the project.
        """
        return self.filter(status="published", published_at__lte=timezone.now())

    def scheduled(self) -> ArticleQuerySet:
        """Published articles whose publication time is still in the future."""
        return self.filter(status="published", published_at__gt=timezone.now())

    def next_publication_time(self) -> datetime | None:
        """When the next scheduled article goes live, if any (the page cache expires then)."""
        return (
            self.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def for_listing(self) -> ArticleQuerySet:
        """Public articles with their category and bylines (feeds)."""
        return (
            self.published()
            .select_related("category")
            .only(*LISTING_FIELDS)
            .prefetch_related(self._bylines())
            .order_by("-published_at", "-id")
            .fetch_mode(_fetch_mode())
        )

    def for_cards(self) -> ArticleQuerySet:
        """Public articles for cards and link lists, category joined, without bylines.

        List pages add the bylines only for the cards they render afresh
        (``prefetch_bylines``); stored cards need none.
        """
        return (
            self.published()
            .select_related("category")
            .only(*LISTING_FIELDS)
            .order_by("-published_at", "-id")
            .fetch_mode(_fetch_mode())
        )

    def prefetch_bylines(self, articles: list[Article]) -> None:
        """Load the bylines, with their authors, of ``articles``, in one query."""
        articles = [article for article in articles if article is not None]
        if articles:
            models.prefetch_related_objects(articles, self._bylines())

    def for_article_page(self) -> ArticleQuerySet:
        """The public article page's row and category, without its parts.

        Its stored fragments hold the parts; ``prefetch_details`` loads them
        when the fragments must be rendered afresh.
        """
        return (
            self.published()
            .select_related("category")
            # Large columns the page never shows.
            .defer("search_vector", "body_text")
            # One row by a unique key: the listing order would only cost its SQL.
            .order_by()
            .fetch_mode(_fetch_mode())
        )

    def prefetch_details(self, article: Article) -> None:
        """Load everything ``for_detail()`` prefetches onto an article already read."""
        models.prefetch_related_objects([article], *self._detail_parts())

    def for_detail(self) -> ArticleQuerySet:
        """Everything the article page shows, in a fixed number of queries.

        Not filtered by publication: previews and review links use it as it
        is; the public page reads its row with ``for_article_page()``.
        """
        return (
            self.select_related("category")
            # Large columns the page never shows.
            .defer("search_vector", "body_text")
            .prefetch_related(*self._detail_parts())
            .fetch_mode(_fetch_mode())
        )

    def _bylines(self) -> Prefetch:
        return Prefetch(
            "bylines",
            queryset=_related(self, "bylines")
            .select_related("author")
            .only("article_id", "position", "author__name", "author__slug"),
        )

    def _detail_parts(self) -> list[Prefetch | str]:
        return [
            Prefetch(
                "bylines",
                queryset=_related(self, "bylines").select_related("author"),
            ),
            "tags",
            Prefetch(
                "sections",
                queryset=_related(self, "sections").order_by("position", "id"),
            ),
            Prefetch(
                "tables",
                queryset=_related(self, "tables").order_by("position", "id"),
            ),
            Prefetch(
                "faq_items",
                queryset=_related(self, "faq_items").order_by("position", "id"),
            ),
            # Pictures in the text, with their library image (one query).
            Prefetch(
                "figures",
                queryset=_related(self, "figures")
                .select_related("image")
                .order_by("position", "id"),
            ),
        ]

    def latest_in_categories(
        self, category_ids: list[int], per_category: int, exclude_ids: list[int]
    ) -> ArticleQuerySet:
        """The newest ``per_category`` public articles of each category, in one query.

        One small index-backed subquery per category, rather than ranking every
        article in the archive with a window function.
        """
        newest = self.model.objects.published().exclude(pk__in=exclude_ids)
        picks = [
            Q(
                pk__in=Subquery(
                    newest.filter(category_id=category_id)
                    .order_by("-published_at", "-id")
                    .values("pk")[:per_category]
                )
            )
            for category_id in category_ids
        ]
        if not picks:
            return self.none()
        return self.filter(reduce(operator.or_, picks))

    def related_to(
        self, article: Article, limit: int = 4, tag_ids: list[int] | None = None
    ) -> ArticleQuerySet:
        """Related articles for the article page, in one query.

        Most shared tags first, then the same category, then the newest. The
        candidates are the newest articles that share a tag or the category,
        so the query stays small whatever the size of the archive. ``tag_ids``
        are the article's tags, when they are known without loading them.
        """
        tagged = _related(self, "tagged_items")
        if tag_ids is None:
            tag_ids = [tag.id for tag in article.tags.all()]
        kin = Q(category_id=article.category_id)
        if tag_ids:
            kin |= Q(tags__id__in=tag_ids)
        candidates = (
            self.model.objects.published()
            .exclude(pk=article.pk)
            .filter(kin)
            .order_by("-published_at", "-id")
            .values("pk")[:RELATED_CANDIDATES]
        )
        shared_tags = (
            tagged.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("content_object")
            .annotate(n=Count("tag"))
            .values("n")
        )
        same_category = models.Case(
            models.When(category_id=article.category_id, then=models.Value(1)),
            default=models.Value(0),
        )
        return (
            self.for_cards()
            .filter(pk__in=candidates)
            .annotate(
                shared_tags=Coalesce(Subquery(shared_tags), 0),
                same_category=same_category,
            )
            .order_by("-shared_tags", "-same_category", "-published_at", "-id")[:limit]
        )

    def neighbours_of(self, article: Article) -> tuple[Article | None, Article | None]:
        """The previous and next public articles in ``article``'s category, in one query.

        Order is publication time, then id for articles published at the same moment.
        """
        if article.published_at is None:
            return None, None
        same_category = self.model.objects.published().filter(
            category_id=article.category_id
        )
        previous = same_category.filter(
            Q(published_at__lt=article.published_at)
            | Q(published_at=article.published_at, id__lt=article.id)
        ).order_by("-published_at", "-id")
        following = same_category.filter(
            Q(published_at__gt=article.published_at)
            | Q(published_at=article.published_at, id__gt=article.id)
        ).order_by("published_at", "id")
        found = self.for_cards().filter(
            Q(pk=Subquery(previous.values("pk")[:1]))
            | Q(pk=Subquery(following.values("pk")[:1]))
        )
        here = (article.published_at, article.pk)
        earlier = [a for a in found if (a.published_at, a.pk) < here]
        later = [a for a in found if (a.published_at, a.pk) > here]
        return (earlier[0] if earlier else None), (later[0] if later else None)

    def tagged(self, tag: Tag) -> ArticleQuerySet:
        return self.filter(tags=tag)
