"""Old addresses that answer with a permanent redirect, listed for the desk."""

from __future__ import annotations

from django.contrib import admin

from ..models import ArticleRedirect, CategoryRedirect


@admin.register(CategoryRedirect)
class CategoryRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "category", "created_at"]
    list_select_related = ["category"]
    search_fields = ["old_slug", "category__name"]
    date_hierarchy = "created_at"


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_category_slug", "old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__title"]
    raw_id_fields = ["article"]
    date_hierarchy = "created_at"
