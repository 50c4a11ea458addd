from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag

from .admin_import import import_article_view
from .models import (
    Article,
    ArticleRedirect,
    ArticleTable,
    Author,
    Byline,
    Category,
    CategoryRedirect,
    FaqItem,
    Section,
)
from .tabular import parse_table_text, rows_to_text, table_rows_errors


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


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = [("position", "kind"), "heading", "body", "anchor"]
    classes = ["sections-inline"]


class TableForm(forms.ModelForm):
    """Edits ``rows`` as text: paste cells from a spreadsheet, CSV, or a pipe table."""

    data = forms.CharField(
        label="Rows",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"}),
        help_text="Paste cells from a spreadsheet, or type one row per line with cells "
        "separated by “|” (or commas). The first row holds the headings when "
        "“has header row” is ticked.",
    )

    class Meta:
        model = ArticleTable
        fields = [
            "caption",
            "section",
            "position",
            "is_first_row_header",
            "is_first_column_header",
            "source_note",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.rows:
            self.fields["data"].initial = rows_to_text(self.instance.rows)

    def clean_data(self) -> list[list[str]]:
        try:
            rows = parse_table_text(self.cleaned_data["data"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        errors = table_rows_errors(rows)
        if errors:
            raise forms.ValidationError(errors)
        return rows

    def add_error(self, field, error) -> None:
        # The model reports problems with ``rows``, which this form edits as
        # ``data``; when ``data`` was already refused, saying more would repeat it.
        if isinstance(error, ValidationError) and "rows" in getattr(
            error, "error_dict", {}
        ):
            problems = error.error_dict.pop("rows")
            if "data" not in self.errors:
                error.error_dict["data"] = problems
            if not error.error_dict:
                return
        super().add_error(field, error)

    def clean(self) -> dict:
        cleaned = super().clean()
        if "data" in cleaned:
            self.instance.rows = cleaned["data"]
        return cleaned


class TableInline(admin.StackedInline):
    model = ArticleTable
    form = TableForm
    extra = 0
    fk_name = "article"

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "section":
            # Only this article's sections can hold its tables.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(
                article_id=object_id if object_id and object_id.isdigit() else None
            ).exclude(heading="")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FaqItemInline(admin.TabularInline):
    model = FaqItem
    extra = 0
    fields = ["position", "question", "answer"]


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
