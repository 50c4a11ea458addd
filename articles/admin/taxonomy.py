"""Categories and authors in the desk."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import capfirst

from ..models import Author, Byline, Category
from .slugs import FreeSlugFormMixin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = FreeSlugFormMixin
    list_display = ["name", "slug", "position", "is_in_navigation", "comment_policy"]
    list_editable = ["position", "is_in_navigation"]
    list_filter = ["is_in_navigation", "comment_policy"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "description"]}),
        ("Navigation", {"fields": ["position", "is_in_navigation"]}),
        ("Comments", {"fields": ["comment_policy", "comments_close_after_days"]}),
    ]


class AuthorForm(FreeSlugFormMixin):
    # The admin makes the form for Author from the fields it shows.
    class Meta:
        help_texts = {
            # What renaming does now: the old address redirects (articles/moves.py).
            "slug": "The author's page is /authors/slug/. Changing it keeps the old "
            "address working with a permanent redirect.",
        }


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorForm
    list_display = ["name", "role", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "slug", "role"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]

    def get_deleted_objects(self, objs, request: HttpRequest):
        # An author with bylines is not deleted (they are protected); the page
        # names each byline with its article, read in one query, not one each.
        bylines = (
            Byline.objects.filter(author__in=objs)
            .select_related("author", "article")
            .only("author__name", "article__title")
            .order_by("article__title", "pk")
        )
        if not bylines.exists():
            return super().get_deleted_objects(objs, request)
        kind = capfirst(Byline._meta.verbose_name)
        return [], {}, set(), [f"{kind}: {byline}" for byline in bylines]
