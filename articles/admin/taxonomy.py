"""Categories and authors in the desk."""

from __future__ import annotations

from django.contrib import admin

from ..models import Author, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "slug", "role"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
