"""The article list and change form."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag

from ..models import Article
from .import_page import import_article_view
from .inlines import BylineInline, FaqItemInline, SectionInline, TableInline


class ArticleForm(forms.ModelForm):
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
            "update_note",
            "lead_image",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "is_commenting_open",
            "comment_policy",
            "comment_prompt",
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
class ArticleAdmin(admin.ModelAdmin):
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
        ("Publication", {"fields": [("status", "published_at"), "update_note"]}),
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
        return import_article_view(request, self)

    def view_on_site(self, obj: Article) -> str:
        return obj.get_absolute_url() if obj.is_public else obj.get_preview_url()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.refresh_derived_text()

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        now = timezone.now()
        count = 0
        for article in queryset.exclude(
            status=Article.Status.PUBLISHED, published_at__lte=now
        ):
            article.status = Article.Status.PUBLISHED
            if article.published_at is None or article.published_at > now:
                article.published_at = now
            article.save()
            count += 1
        self.message_user(request, f"{count} article(s) published.", messages.SUCCESS)

    @admin.action(
        description="Return selected articles to draft", permissions=["change"]
    )
    def return_to_draft(
        self, request: HttpRequest, queryset: QuerySet[Article]
    ) -> None:
        count = 0
        for article in queryset.exclude(status=Article.Status.DRAFT):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(
            request, f"{count} article(s) returned to draft.", messages.SUCCESS
        )
