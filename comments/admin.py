from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from newsroom.caching import content_changed

from .models import Comment


def _decide(
    request: HttpRequest, queryset: QuerySet[Comment], status: str, reason: str
) -> int:
    changed = queryset.exclude(status=status).update(
        status=status, reason=reason, decided_by=request.user, decided_at=timezone.now()
    )
    if changed:
        content_changed()  # bulk update() sends no signals
    return changed


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "author_name",
        "short_body",
        "article",
        "status",
        "reason",
        "created_at",
    ]
    list_filter = ["status", "reason", "created_at"]
    list_select_related = ["article"]
    search_fields = ["author_name", "author_email", "body", "article__title"]
    date_hierarchy = "created_at"
    raw_id_fields = ["article", "parent"]
    readonly_fields = ["created_at", "decided_at", "decided_by"]
    actions = ["approve", "remove", "mark_spam"]

    @admin.display(description="Comment")
    def short_body(self, obj: Comment) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:79] + "…"

    def save_model(self, request, obj: Comment, form, change) -> None:
        if "status" in form.changed_data:
            obj.decided_by, obj.decided_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        n = _decide(
            request, queryset, Comment.Status.APPROVED, "Approved by a moderator"
        )
        self.message_user(request, f"{n} comment(s) approved.", messages.SUCCESS)

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        n = _decide(
            request, queryset, Comment.Status.REJECTED, "Removed by a moderator"
        )
        self.message_user(request, f"{n} comment(s) removed.", messages.SUCCESS)

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        n = _decide(request, queryset, Comment.Status.SPAM, "Spam")
        self.message_user(request, f"{n} comment(s) marked as spam.", messages.SUCCESS)
