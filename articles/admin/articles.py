"""The article list and change form."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.html import format_html
from taggit.models import Tag

from ..models import Article
from .add_form import AddFormMixin
from .corrections import CorrectionsMixin
from .import_page import import_article_view
from .inlines import (
    ArticlePartsMixin,
    BylineInline,
    FaqItemInline,
    SectionInline,
    TableInline,
)
from .layout import DeskLayoutMixin
from .media import PicturesMixin
from .presence import PresenceMixin
from .revisions import RevisionsMixin
from .sharing import SharingMixin
from .slugs import FreeSlugFormMixin
from .workflow import WorkflowMixin


class ArticleForm(FreeSlugFormMixin, forms.ModelForm):
    # The slug is unique within its category (a constraint on both).
    slug_scope = ("category",)

    class Meta:
        model = Article
        # The admin lays these out in ArticleAdmin.fieldsets.
        fields = [
            "title",
            "slug",
            "standfirst",
            "category",
            "dateline",
            "tags",
            "status",
            "published_at",
            "lead_image",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "is_commenting_open",
            "comment_policy",
            "comment_prompt",
            "discussion_question",
        ]

    def clean_tags(self) -> list[str]:
        tags = self.cleaned_data["tags"]
        limit = Tag._meta.get_field("name").max_length
        too_long = [tag for tag in tags if len(tag) > limit]
        if too_long:
            raise forms.ValidationError(
                f"A tag may be at most {limit} characters long: “{too_long[0][:40]}…”."
            )
        return tags


@admin.register(Article)
class ArticleAdmin(
    AddFormMixin,
    WorkflowMixin,
    SharingMixin,
    CorrectionsMixin,
    PresenceMixin,
    DeskLayoutMixin,
    RevisionsMixin,
    PicturesMixin,
    ArticlePartsMixin,
    admin.ModelAdmin,
):
    form = ArticleForm
    list_display = [
        "title",
        "category",
        "status",
        "visibility",
        "published_at",
        "updated_at",
    ]
    list_filter = ["status", "category", "published_at"]
    list_select_related = ["category"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [BylineInline, SectionInline, TableInline, FaqItemInline]
    # In WorkflowMixin: both need the publish permission and publishing runs the checks.
    actions = ["publish_now", "return_to_draft"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "standfirst",
                    ("category", "dateline"),
                    "tags",
                ]
            },
        ),
        ("Publication", {"fields": [("status", "published_at")]}),
        (
            "Lead image",
            {
                "classes": ["collapse"],
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    ("lead_image_caption", "lead_image_credit"),
                ],
            },
        ),
        (
            "Comments",
            {
                "classes": ["collapse"],
                "fields": [
                    ("is_commenting_open", "comment_policy"),
                    "comment_prompt",
                    "discussion_question",
                ],
            },
        ),
        ("History", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Readers see it")
    def visibility(self, obj: Article) -> str:
        if obj.is_public:
            return format_html('<a href="{}">Live</a>', obj.get_absolute_url())
        if obj.status == Article.Status.PUBLISHED:
            return "Scheduled"
        return "No"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).defer("search_vector")

    def get_urls(self) -> list[URLPattern]:
        # Before the admin's own: "<object_id>/" would take "import/" otherwise.
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        with self.kept_as_revision(request, "Imported from text"):
            return import_article_view(request, self)

    def view_on_site(self, obj: Article) -> str:
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.refresh_derived_text()
