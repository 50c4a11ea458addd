"""Sitemaps for search engines: articles, categories, tags, authors, and Google News."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Author, Category

# The sitemap protocol's limit; Django splits larger sitemaps into ?p= pages.
URLS_PER_SITEMAP = 50_000
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap.


class ArticleSitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .only("slug", "updated_at", "published_at", "category__slug")
            .order_by("published_at", "id")
        )

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)


class CategorySitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def items(self):
        # A category changes whenever an article in it is published or edited.
        return Category.objects.annotate(
            last_article=Max("articles__updated_at", filter=_public("articles__"))
        ).order_by("position", "name")

    def lastmod(self, item: Category):
        return max(filter(None, [item.updated_at, item.last_article]))


class TagSitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def items(self):
        newest = (
            Article.objects.published()
            .filter(tags=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            Tag.objects.annotate(last_article=Subquery(newest))
            .filter(last_article__isnull=False)
            .order_by("name")
        )

    def location(self, item: Tag) -> str:
        return reverse("articles:tag", args=[item.slug])

    def lastmod(self, item: Tag):
        return item.last_article


class AuthorSitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def items(self):
        return (
            Author.objects.filter(bylines__article__in=Article.objects.published())
            .annotate(last_article=Max("bylines__article__updated_at"))
            .order_by("name")
            .distinct()
        )

    def lastmod(self, item: Author):
        return max(filter(None, [item.updated_at, item.last_article]))


def _public(prefix: str) -> Q:
    return Q(
        **{f"{prefix}status": "published", f"{prefix}published_at__lte": timezone.now()}
    )


SITEMAPS = {
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: public articles of the last two days."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .select_related("category")
        .only("title", "slug", "published_at", "category__slug")
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )
    return render(
        request,
        "sitemaps/news.xml",
        {"articles": articles},
        content_type="application/xml; charset=utf-8",
    )
