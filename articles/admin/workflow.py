"""The article's way to readers at the desk: who may do what, what the form
says about the story, and the checks a publication must pass.

``WorkflowMixin`` goes first among ArticleAdmin's bases:

- **Roles** (see ``articles/roles.py``). Publishing, scheduling and
  unpublishing need ``articles.publish_article``. Without it a user changes
  only their own articles (they started it, or their author profile is in
  a byline) and only until they are published; the status offers draft and
  in review, and the publication time is read-only. The same rules hold
  server-side: a forged form gets a 403, a forged action nothing.
- **Checks** (``articles/checks.py``) run on what a save is about to commit,
  inside the admin's transaction, after the inlines are saved: a save that
  leaves the article published with errors is rolled back and the form
  shown again with what was typed and the checklist (``PublishBlocked``).
  The list's "Publish" action skips articles with errors and names them.
- **What the form says**: a banner with the state (draft, in review,
  scheduled at a time in the newsroom's time zone, live with a link), the
  checklist, a word count, and a save message saying what happened
  (``describe_save``, the one place to extend).
- **The list's "By desk" filter**: waiting for review, scheduled, changes
  not yet live, mine; the desk's home page (``desk_home``) links to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join

from ..checks import Checklist, Problem, check_article
from ..models import Article, Byline
from ..roles import PUBLISH_PERMISSION

PUBLISHED, REVIEW, DRAFT = (
    Article.Status.PUBLISHED,
    Article.Status.REVIEW,
    Article.Status.DRAFT,
)

# What a request learnt on its way, kept on the request object.
_SAVED = "_desk_saved_state"
_BLOCKED = "_desk_blocked"
_OUTCOME = "_desk_outcome"
_OWN = "_desk_own"


class PublishBlocked(Exception):
    """A save would leave a published article with errors: roll it back."""

    def __init__(self, checklist: Checklist) -> None:
        super().__init__(f"{len(checklist.errors)} publishing errors")
        self.checklist = checklist


@dataclass(frozen=True)
class SavedState:
    """Where an article stood before this request changed it."""

    status: str
    published_at: datetime | None

    @classmethod
    def of(cls, article: Article) -> SavedState:
        return cls(article.status, article.published_at)

    @property
    def is_live(self) -> bool:
        return (
            self.status == PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


def newsroom_time(moment: datetime) -> str:
    """“14:00 on 3 December”, in the newsroom's time zone; the year when not this one."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(moment, zone)
    text = dateformat.format(local, r"H:i \o\n j F")
    if local.year != timezone.localtime(timezone=zone).year:
        text += f" {local.year}"
    return text


@dataclass(frozen=True)
class Banner:
    """The change form's one-line answer to "can readers see this?"."""

    state: str  # draft, review, scheduled, live: also the CSS modifier
    label: str
    text: str
    link: str = ""


def status_banner(article: Article, *, may_publish: bool) -> Banner:
    if article.status == PUBLISHED and article.published_at:
        if article.published_at > timezone.now():
            zone = timezone.get_default_timezone_name()
            return Banner(
                "scheduled",
                "Scheduled",
                f"Goes live by itself at {newsroom_time(article.published_at)} "
                f"({zone} time). Until then readers cannot see it.",
            )
        return Banner(
            "live",
            "Live",
            "Readers see this article now.",
            article.get_absolute_url(),
        )
    if article.status == REVIEW:
        return Banner(
            "review",
            "In review",
            "Waiting for an editor to check and publish it. Readers cannot see it.",
        )
    then = (
        "Publish it when it is ready."
        if may_publish
        else "Set the status to “In review” when it is ready for an editor."
    )
    return Banner("draft", "Draft", f"Readers cannot see it. {then}")


def own_articles(user) -> Q:
    """Articles that are ``user``'s: started by them, or with their byline."""
    bylined = Byline.objects.filter(article=OuterRef("pk"), author__user=user)
    return Q(created_by=user) | Q(Exists(bylined))


class DeskQueueFilter(admin.SimpleListFilter):
    title = "desk"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("review", "Waiting for review"),
            ("scheduled", "Scheduled"),
            ("pending", "Changes not yet live"),
            ("mine", "Mine"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "review":
            return queryset.filter(status=REVIEW)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "pending":
            return queryset.filter(pending_edit__isnull=False)
        if self.value() == "mine":
            return queryset.filter(own_articles(request.user))
        return queryset


def _locator(formsets: Iterable[BaseInlineFormSet]):
    """The inline row ("sections-2") each saved part is edited in."""
    rows = {}
    for formset in formsets:
        for n, form in enumerate(formset.forms):
            if form.instance.pk is not None:
                rows[type(form.instance), form.instance.pk] = f"{formset.prefix}-{n}"
    return lambda part: rows.get((type(part), part.pk), "")


class WorkflowMixin:
    """Roles, checks and what the form says; goes before admin.ModelAdmin."""

    # -- roles -------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def is_own(self, request: HttpRequest, article: Article) -> bool:
        known = request.__dict__.setdefault(_OWN, {})
        if article.pk not in known:
            known[article.pk] = article.created_by_id == request.user.pk or (
                Byline.objects.filter(
                    article_id=article.pk, author__user=request.user
                ).exists()
            )
        return known[article.pk]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        # Published work is the editors' (the saved state: a form may have
        # changed the status already).
        saved = self.saved_state(request, obj)
        return saved.status != PUBLISHED and self.is_own(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("published_at")
        return fields

    def formfield_for_choice_field(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value != PUBLISHED
            ]
            kwargs["help_text"] = (
                "Choose “In review” to send the article to the editors, who publish it."
            )
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> list:
        return [DeskQueueFilter, *super().get_list_filter(request)]

    # -- saving ------------------------------------------------------------

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is not None:
            request.__dict__[_SAVED] = (article.pk, SavedState.of(article))
        return article

    def saved_state(self, request: HttpRequest, article: Article) -> SavedState:
        """The article as stored when this request began (before the form)."""
        pk, state = request.__dict__.get(_SAVED, (None, None))
        return state if pk == article.pk and state else SavedState.of(article)

    def save_model(self, request: HttpRequest, obj: Article, form, change) -> None:
        before = self.saved_state(request, obj) if change else None
        if not self.has_publish_permission(request) and self._moves_publication(
            before, obj
        ):
            # The form offers no way to do this: only a forged request gets here.
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @staticmethod
    def _moves_publication(before: SavedState | None, article: Article) -> bool:
        return (
            article.status == PUBLISHED
            or (before is not None and before.status == PUBLISHED)
            or article.published_at != (before.published_at if before else None)
        )

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        if self.publication_checked(request, article):
            checklist = check_article(article, _locator(formsets))
            if checklist.errors:
                raise PublishBlocked(checklist)
        before = self.saved_state(request, article) if change else None
        request.__dict__[_OUTCOME] = self.describe_save(request, article, before)

    def publication_checked(self, request: HttpRequest, article: Article) -> bool:
        """Whether this save must pass the checks: it leaves the article published."""
        return article.status == PUBLISHED

    def describe_save(
        self, request: HttpRequest, obj: Article, before: SavedState | None
    ) -> str:
        """What the save did, in the editor's words; the first part of its message."""
        if obj.status == PUBLISHED and obj.published_at:
            if obj.published_at > timezone.now():
                return f"Scheduled for {newsroom_time(obj.published_at)}."
            if before is not None and before.is_live:
                return "Changes published."
            return "Published."
        if obj.status == REVIEW:
            if before is not None and before.status == REVIEW:
                return "Changes saved, not yet live: still in review."
            return "Submitted for review."
        if before is not None and before.status == PUBLISHED:
            if before.is_live:
                return "Unpublished: readers no longer see it."
            return "No longer scheduled: back to draft."
        return "Changes saved, not yet live."

    def message_user(
        self,
        request: HttpRequest,
        message,
        level=messages.INFO,
        extra_tags="",
        fail_silently=False,
    ) -> None:
        outcome = request.__dict__.pop(_OUTCOME, None)
        if outcome and level == messages.SUCCESS:
            message = format_html("{} {}", outcome, message)
        super().message_user(request, message, level, extra_tags, fail_silently)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishBlocked as blocked:
            # The save is rolled back. Once more, without saving: the form,
            # refused by get_form, shows what was typed with the checklist.
            request.__dict__[_BLOCKED] = blocked.checklist
            request.__dict__.pop(_OUTCOME, None)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        blocked = request.__dict__.get(_BLOCKED)
        if blocked is None:
            return form_class
        count = len(blocked.errors)
        refusal = (
            f"Not saved: {count} problem{'s' if count > 1 else ''} must be fixed "
            "before this article can be published. See “Before publishing”."
        )

        class RefusedForm(form_class):
            def clean(self) -> dict:
                super().clean()
                raise forms.ValidationError(refusal, code="publish_blocked")

        return RefusedForm

    # -- what the change form shows -----------------------------------------

    def render_change_form(
        self, request: HttpRequest, context: dict, add=False, change=False, **kwargs
    ) -> HttpResponse:
        obj = kwargs.get("obj")
        may_publish = self.has_publish_permission(request)
        checklist = request.__dict__.get(_BLOCKED)
        banner = None
        if obj is not None and obj.pk is not None:
            stored = obj
            if request.method == "POST":
                # The refused form changed ``obj``; the banner tells the stored one.
                stored = self.model._default_manager.select_related("category").get(
                    pk=obj.pk
                )
            banner = status_banner(stored, may_publish=may_publish)
            if checklist is None:
                formsets = [
                    inline.formset
                    for inline in context.get("inline_admin_formsets", [])
                ]
                checklist = check_article(stored, _locator(formsets))
        context.update(
            desk_banner=banner,
            desk_checklist=checklist,
            desk_blocked=_BLOCKED in request.__dict__,
            desk_word_count=f"{checklist.word_count if checklist else 0:,}",
        )
        return super().render_change_form(request, context, add, change, **kwargs)

    # -- list actions --------------------------------------------------------

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        now = timezone.now()
        published, refused = 0, []
        candidates = queryset.exclude(
            status=PUBLISHED, published_at__lte=now
        ).prefetch_related("bylines", "sections", "tables", "faq_items")
        for article in candidates:
            errors = check_article(article).errors
            if errors:
                refused.append((article, errors))
                continue
            article.status = PUBLISHED
            if article.published_at is None or article.published_at > now:
                article.published_at = now
            article.save()
            published += 1
        self.message_user(
            request, f"{published} article(s) published.", messages.SUCCESS
        )
        for article, errors in refused:
            self.message_user(request, _refusal(article, errors), messages.WARNING)

    @admin.action(
        description="Return selected articles to draft", permissions=["publish"]
    )
    def return_to_draft(
        self, request: HttpRequest, queryset: QuerySet[Article]
    ) -> None:
        count = 0
        for article in queryset.exclude(status=DRAFT):
            article.status = DRAFT
            article.save()
            count += 1
        self.message_user(
            request, f"{count} article(s) returned to draft.", messages.SUCCESS
        )


def _refusal(article: Article, errors: list[Problem]):
    return format_html(
        '<a href="{}">{}</a> was not published: {}',
        reverse("admin:articles_article_change", args=[article.pk]),
        article.title,
        format_html_join(" ", "{}", ((p.message,) for p in errors)),
    )
