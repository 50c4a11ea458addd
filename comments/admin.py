"""The moderation desk: the comment queue, bans, blocked words, reports and subscribers.

Every status change goes through ``moderation.decide`` one comment at a time,
so each decision is stamped with its moderator, settles the comment's reports,
and refreshes the cached pages of that comment's article only.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.core.validators import validate_email
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from . import moderation
from .abuse import address_group
from .models import Ban, BlockedWord, Comment, Report, Subscriber

Status = Comment.Status
# Where a comment came from: kept for a while for moderation, never edited.
ORIGIN = ["created_at", "ip_address", "user_agent"]


def _counted(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _short(text: str, length: int = 80) -> str:
    return Truncator(" ".join(text.split())).chars(length)


def _comment_link(comment: Comment) -> SafeString:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:comments_comment_change", args=[comment.pk]),
        _short(comment.body, 60),
    )


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("decide", "Needs a decision"), ("reported", "Reported again")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "decide":
            return queryset.needing_decision()
        if self.value() == "reported":
            return queryset.filter(needs_review=True)
        return queryset


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["reason", "detail", "created_at", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _open_reports() -> Coalesce:
    counted = (
        Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "short_body",
        "author_name",
        "article_link",
        "status",
        "rule",
        "reason",
        "needs_review",
        "open_reports",
        "created_at",
    ]
    list_display_links = ["short_body"]
    list_filter = [QueueFilter, "status", "rule"]
    list_select_related = ["article__category"]
    search_fields = ["body", "author_name", "author_email", "article__title"]
    # The column marked as sorted; the queue itself comes first (get_ordering).
    ordering = ["-created_at", "-id"]
    inlines = [ReportInline]
    actions = [
        "approve",
        "reject",
        "mark_spam",
        "ban_emails",
        "ban_addresses",
        "remove_by_email",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "parent_link", "body"]}),
        (
            "Author",
            {"fields": [("author_name", "author_email"), "user", "wants_email"]},
        ),
        (
            "Moderation",
            {
                "description": "Changing the status records you as the moderator; "
                "the reason you write is kept with the decision.",
                "fields": [
                    ("status", "rule"),
                    "reason",
                    "needs_review",
                    ("decided_by", "decided_at"),
                ],
            },
        ),
        ("Origin", {"classes": ["collapse"], "fields": ORIGIN}),
    ]
    readonly_fields = ["article_link", "parent_link", "user", "rule", "needs_review"]
    readonly_fields += ["decided_by", "decided_at", *ORIGIN]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        # Annotated before ordering: the queue is ordered by its rank.
        return (
            Comment.objects.with_article()
            .queue_order()
            .annotate(open_report_count=_open_reports())
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return list(Comment.objects.queue_order().query.order_by)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, through the rules

    def has_ban_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and request.user.has_perm(
            "comments.add_ban"
        )

    def get_deleted_objects(
        self, objs: Iterable[Comment], request: HttpRequest
    ) -> tuple:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # Readers' reports go with their comment: deleting it is permission enough.
        perms_needed.discard(Report._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    @admin.display(description="Comment")
    def short_body(self, obj: Comment) -> str:
        return _short(obj.body)

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, obj: Comment) -> str:
        article = obj.article
        if not article.is_public:
            return article.title
        return format_html(
            '<a href="{}">{}</a>', article.get_absolute_url(), article.title
        )

    @admin.display(description="In reply to")
    def parent_link(self, obj: Comment) -> str:
        return _comment_link(obj.parent) if obj.parent_id else "—"

    @admin.display(description="Open reports", ordering="open_report_count")
    def open_reports(self, obj: Comment) -> int:
        return obj.open_report_count

    def save_model(
        self, request: HttpRequest, obj: Comment, form: forms.ModelForm, change: bool
    ) -> None:
        if not change or "status" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        decided = obj.status
        reason = obj.reason if "reason" in form.changed_data else ""
        obj.status = form.initial["status"]  # decide() tells what it was
        super().save_model(request, obj, form, change)
        moderation.decide(obj, decided, by=request.user, reason=reason)

    def _decide_each(
        self, request: HttpRequest, queryset: QuerySet[Comment], status: str, done: str
    ) -> None:
        n = sum(moderation.decide(c, status, by=request.user) for c in queryset)
        self.message_user(
            request, f"{_counted(n, 'comment')} {done}.", messages.SUCCESS
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide_each(request, queryset, Status.APPROVED, "approved")

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide_each(request, queryset, Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._decide_each(request, queryset, Status.SPAM, "marked as spam")

    def _ban(
        self,
        request: HttpRequest,
        queryset: QuerySet[Comment],
        kind: str,
        value_of: Callable[[Comment], str | None],
    ) -> None:
        """Ban each comment's address (once) and reject the comment."""
        new_bans = rejected = 0
        for comment in queryset:
            value = (value_of(comment) or "").strip().lower()
            if not value:
                continue
            _, created = Ban.objects.get_or_create(
                kind=kind,
                value=value,
                defaults={
                    "reason": f"Comment {comment.pk} by {comment.author_name}"[:200],
                    "created_by": request.user,
                },
            )
            new_bans += created
            rejected += moderation.decide(
                comment, Status.REJECTED, by=request.user, reason="Banned"
            )
        noun = Ban.Kind(kind).label.lower()
        self.message_user(
            request,
            f"{_counted(new_bans, noun, noun + 'es')} banned; "
            f"{_counted(rejected, 'comment')} rejected.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Ban the e-mail addresses of selected comments",
        permissions=["ban"],
    )
    def ban_emails(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._ban(request, queryset, Ban.Kind.EMAIL, lambda c: c.author_email)

    @admin.action(
        description="Ban the network addresses of selected comments",
        permissions=["ban"],
    )
    def ban_addresses(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._ban(
            request, queryset, Ban.Kind.ADDRESS, lambda c: address_group(c.ip_address)
        )

    @admin.action(
        description="Remove every comment by these e-mail addresses",
        permissions=["delete"],
    )
    def remove_by_email(
        self, request: HttpRequest, queryset: QuerySet[Comment]
    ) -> None:
        """A commenter's request to be forgotten: all their comments, on every article."""
        emails = {
            email.strip().lower()
            for email in queryset.values_list("author_email", flat=True)
            if email.strip()
        }
        if not emails:
            self.message_user(
                request,
                "None of the selected comments has an e-mail address.",
                messages.WARNING,
            )
            return
        # Deleted one by one (signals), so every article involved is refreshed;
        # replies by other people stay, as comments of their own.
        _, removed = (
            Comment.objects.alias(email=Lower("author_email"))
            .filter(email__in=emails)
            .delete()
        )
        _, unsubscribed = (
            Subscriber.objects.alias(lower=Lower("email"))
            .filter(lower__in=emails)
            .delete()
        )
        comments = removed.get(Comment._meta.label, 0)
        subscribers = unsubscribed.get(Subscriber._meta.label, 0)
        self.message_user(
            request,
            f"Removed {_counted(comments, 'comment')} and "
            f"{_counted(subscribers, 'subscription')} of "
            f"{_counted(len(emails), 'e-mail address', 'e-mail addresses')}.",
            messages.SUCCESS,
        )


class BanForm(forms.ModelForm):
    class Meta:
        model = Ban
        fields = ["kind", "value", "reason"]

    def clean_value(self) -> str:
        # As stored, so that the once-only rule is checked against stored values.
        return self.cleaned_data["value"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if value and kind == Ban.Kind.EMAIL:
            try:
                validate_email(value)
            except forms.ValidationError as error:
                self.add_error("value", error)
        elif value:
            try:
                # One IPv6 reader holds a /64: banning one address bans that network.
                cleaned["value"] = address_group(
                    str(ipaddress.ip_address(value.strip()))
                )
            except ValueError:
                self.add_error(
                    "value", "Enter an IPv4 or IPv6 address, e.g. 203.0.113.7."
                )
        return cleaned


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    form = BanForm
    list_display = ["value", "kind", "reason", "created_at", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["created_by"]
    search_fields = ["value", "reason"]
    fields = ["kind", "value", "reason", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(
        self, request: HttpRequest, obj: Ban, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class BlockedWordForm(forms.ModelForm):
    class Meta:
        model = BlockedWord
        fields = ["word"]

    def clean_word(self) -> str:
        # As stored, so that a word already listed in other capitals is caught.
        return " ".join(self.cleaned_data["word"].casefold().split())


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    form = BlockedWordForm
    list_display = ["word", "created_at"]
    search_fields = ["word"]


class ResolvedFilter(admin.SimpleListFilter):
    title = "resolved"
    parameter_name = "resolved"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("no", "Open"), ("yes", "Resolved")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("no", "yes"):
            return queryset.filter(resolved_at__isnull=self.value() == "no")
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows made by readers or by the site: listed, never added or edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["comment_link", "reason", "detail", "created_at", "resolved_at"]
    list_filter = [ResolvedFilter, "reason"]
    list_select_related = ["comment"]
    search_fields = ["detail", "comment__body"]
    fields = ["comment_link", "reason", "detail", "created_at", "resolved_at"]
    readonly_fields = fields

    @admin.display(description="Comment", ordering="comment__created_at")
    def comment_link(self, obj: Report) -> str:
        return _comment_link(obj.comment)


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "confirmed_at", "unsubscribed_at", "created_at"]
    search_fields = ["email"]
