"""Old addresses of articles, categories, authors and tags, which answer with a 301."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .article import Article
    from .categories import Category


class ArticleRedirect(models.Model):
    """An address an article used to have; it answers with a 301 to the current one."""

    old_category_slug = models.SlugField(max_length=80)
    old_slug = models.SlugField(max_length=200)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="redirects"
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
        return f"/{self.old_category_slug}/{self.old_slug}/ → “{self.article}”"

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
            type(article)
            ._default_manager.filter(pk=article.pk)
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
        "articles.Category", on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"/{self.old_slug}/ → {self.category}"


class RenamedSlug(models.Model):
    """A slug something used to have: its old page answers with a 301 to the new one.

    Kept when an author or a tag is given a new slug (``articles/moves.py``),
    dropped when something takes the slug again, and deleted with its owner.
    """

    old_slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @classmethod
    def remember(cls, owner: models.Model, old_slug: str) -> None:
        """``owner`` moved from ``old_slug`` to its current slug."""
        field = cls.owner_field
        cls.objects.filter(old_slug=owner.slug).delete()
        cls.objects.update_or_create(old_slug=old_slug, defaults={field: owner})

    @classmethod
    def forget(cls, slug: str) -> bool:
        """``slug`` is in use again: its page is no longer a redirect (True: it was)."""
        deleted, _ = cls.objects.filter(old_slug=slug).delete()
        return bool(deleted)


class AuthorRedirect(RenamedSlug):
    """A slug an author used to have; /authors/<old>/ answers with a 301."""

    owner_field = "author"
    author = models.ForeignKey(
        "articles.Author", on_delete=models.CASCADE, related_name="redirects"
    )

    class Meta(RenamedSlug.Meta):
        pass

    def __str__(self) -> str:
        return f"/authors/{self.old_slug}/ → {self.author}"


class TagRedirect(RenamedSlug):
    """A slug a tag used to have; /tags/<old>/ answers with a 301."""

    owner_field = "tag"
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")

    class Meta(RenamedSlug.Meta):
        pass

    def __str__(self) -> str:
        return f"/tags/{self.old_slug}/ → {self.tag}"
