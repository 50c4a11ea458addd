"""The desk's pages about an article's versions and its changes not yet live.

``RevisionPagesMixin`` comes with ``RevisionsMixin`` (``revisions.py``),
which saves what these pages show:

- **Changes not yet live** (``…/pending/``): what publishing the pending
  edit would change, with Publish (editors, who hold the publish
  permission) and Discard (editors, or whoever saved the edit).
- **History** (``…/history/``): the versions kept, newest first, with the
  pending edit on top; two are compared (django-reversion-compare's view,
  showing ``articles.revisions.diff_states``) and one is opened to see what
  restoring it would change.
- **Restore** (POST ``…/history/<version>/restore/``): brings the version
  back, parts included, keeping the article's status and publication time;
  on a live article the restored version waits as changes not yet live.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from reversion.models import Version
from reversion_compare.mixins import CompareResult

from ..models import Article, PendingEdit
from ..revisions import (
    apply_state,
    diff_states,
    number_new_parts,
    part_numbers,
    publish_pending,
    state_of,
    state_of_version,
    with_publication_of,
)
from ..roles import PUBLISH_PERMISSION


def number(object_id: str) -> int | None:
    """The article's primary key in an admin address, or None."""
    value = unquote(str(object_id))
    return int(value) if value.isdigit() else None


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _who(user) -> str:
    if user is None:
        return "someone no longer on the desk"
    return user.get_full_name() or user.get_username()


class RevisionPagesMixin:
    """For ArticleAdmin, before CompareVersionAdmin: the pages and their addresses."""

    object_history_template = "admin/articles/article/revision_history.html"
    compare_template = "admin/articles/article/revision_compare.html"
    revision_template = "admin/articles/article/revision_version.html"
    pending_template = "admin/articles/article/pending_changes.html"
    history_latest_first = True

    def has_publish_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def may_discard(self, request: HttpRequest, edit: PendingEdit) -> bool:
        """Editors discard any pending edit; whoever saved one may take it back."""
        return (
            self.has_publish_permission(request) or edit.saved_by_id == request.user.pk
        )

    # -- addresses -----------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/pending/",
                view(self.pending_changes_view),
                name=f"{info}_pending",
            ),
            path(
                "<path:object_id>/pending/publish/",
                view(self.publish_pending_view),
                name=f"{info}_pending_publish",
            ),
            path(
                "<path:object_id>/pending/discard/",
                view(self.discard_pending_view),
                name=f"{info}_pending_discard",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name=f"{info}_restore",
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, *args) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}",
            args=[quote(arg) for arg in args],
        )

    def pending_links(self, request: HttpRequest, edit: PendingEdit) -> dict:
        """What the change form's notice and the history say about a pending edit."""
        return {
            "edit": edit,
            "who": _who(edit.saved_by),
            "when": edit.saved_at,
            "preview_url": reverse("articles:pending-preview", args=[edit.article_id]),
            "changes_url": self._url("pending", edit.article_id),
            "may_publish": self.has_publish_permission(request),
        }

    # -- pending edits ---------------------------------------------------------

    def _article(self, request: HttpRequest, object_id: str, *, change: bool):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _page(self, request: HttpRequest, template: str, context: dict):
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.opts, **context},
        )

    def pending_changes_view(self, request: HttpRequest, object_id: str):
        """What publishing the pending edit changes, with Publish and Discard."""
        article = self._article(request, object_id, change=False)
        edit = (
            PendingEdit.objects.select_related("saved_by")
            .filter(article=article)
            .first()
        )
        if edit is None:
            messages.info(request, "This article has no changes waiting to go live.")
            return HttpResponseRedirect(self._url("change", article.pk))
        return self._page(
            request,
            self.pending_template,
            {
                "title": "Changes not yet live",
                "subtitle": article.title,
                "original": article,
                "diff": diff_states(state_of(article.pk), edit.state),
                "pending": self.pending_links(request, edit),
                "may_publish": self.has_publish_permission(request)
                and self.has_change_permission(request, article),
                "may_discard": self.may_discard(request, edit)
                and self.has_change_permission(request, article),
                "publish_url": self._url("pending_publish", article.pk),
                "discard_url": self._url("pending_discard", article.pk),
                "change_url": self._url("change", article.pk),
            },
        )

    def publish_pending_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, object_id, change=True)
        if not self.has_publish_permission(request, article):
            raise PermissionDenied
        edit = get_object_or_404(
            PendingEdit.objects.select_related("saved_by"), article=article
        )
        note = (
            f"Published the changes saved by {_who(edit.saved_by)} on "
            f"{_when(edit.saved_at)}: {edit.summary}"
        )
        try:
            with transaction.atomic(), self.create_revision(request):
                article = publish_pending(edit)
                self.log_change(request, article, note)
        except DatabaseError as error:
            messages.error(
                request,
                "The changes could not be published and the article is as it "
                f"was: {str(error).splitlines()[0][:200]}. Open the article to "
                "fix them, or discard them.",
            )
            return HttpResponseRedirect(self._url("pending", article.pk))
        messages.success(
            request,
            "Changes published: readers see them now."
            if article.is_public
            else "Changes saved to the article; readers do not see it.",
        )
        return HttpResponseRedirect(self._url("change", article.pk))

    def discard_pending_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, object_id, change=True)
        edit = get_object_or_404(
            PendingEdit.objects.select_related("saved_by"), article=article
        )
        if not self.may_discard(request, edit):
            raise PermissionDenied
        edit.delete()
        self.log_change(
            request,
            article,
            f"Discarded the changes saved by {_who(edit.saved_by)} on "
            f"{_when(edit.saved_at)}: {edit.summary}",
        )
        messages.success(request, "Changes discarded: the article stays as it was.")
        return HttpResponseRedirect(self._url("change", article.pk))

    # -- history, compare, restore ---------------------------------------------

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        article_id = number(object_id)
        edit = (
            PendingEdit.objects.select_related("saved_by")
            .filter(article_id=article_id)
            .first()
            if article_id
            else None
        )
        context = {
            "pending": self.pending_links(request, edit) if edit else None,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_view(self, request: HttpRequest, object_id: str, extra_context=None):
        article = self._article(request, object_id, change=False)
        context = {
            "original": article,  # as on the desk's other revision pages
            "may_restore": self.has_change_permission(request, article),
            **(extra_context or {}),
        }
        return super().compare_view(request, object_id, context)

    def compare(self, obj: Article, version1: Version, version2: Version):
        """The same differences as everywhere at the desk (articles.revisions)."""
        diff = diff_states(state_of_version(version1), state_of_version(version2))
        return CompareResult(diff=diff, has_unfollowed_fields=False)

    def _version(self, article: Article, version_id) -> Version:
        return get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )

    def revision_view(
        self, request: HttpRequest, object_id: str, version_id, extra_context=None
    ):
        """One version and what restoring it would change; no revert form."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        article = self._article(request, object_id, change=False)
        version = self._version(article, version_id)
        current = state_of(article.pk)
        restored = with_publication_of(state_of_version(version), current)
        return self._page(
            request,
            self.revision_template,
            {
                "title": f"The version of {_when(version.revision.date_created)}",
                "subtitle": article.title,
                "original": article,
                "version": version,
                "who": _who(version.revision.user),
                "diff": diff_states(current, restored),
                "may_restore": self.has_change_permission(request, article),
                "restore_url": self._url("restore", article.pk, version.pk),
                "history_url": self._url("history", article.pk),
                "is_live": article.is_public,
            },
        )

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int):
        """Bring a version back, parts included; a live article gets it pending."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article(request, object_id, change=True)
        version = self._version(article, version_id)
        when = _when(version.revision.date_created)
        current = state_of(article.pk)
        state = with_publication_of(state_of_version(version), current)
        summary = diff_states(current, state).summary()
        if article.is_public:
            edit = PendingEdit.objects.filter(article=article).first()
            base = edit.base if edit else current
            state = number_new_parts(state, part_numbers(article.pk))
            PendingEdit.objects.update_or_create(
                article=article,
                defaults={
                    "state": state,
                    "base": base,
                    "summary": diff_states(base, state).summary(),
                    "saved_by": request.user,
                    "saved_at": timezone.now(),
                },
            )
            self.log_change(
                request, article, f"Not yet live: restored the version of {when}"
            )
            messages.success(
                request,
                format_html(
                    "The version of {} is restored as changes not yet live — "
                    'publish them when ready. <a href="{}">See what changed</a>.',
                    when,
                    self._url("pending", article.pk),
                ),
            )
        else:
            with transaction.atomic(), self.create_revision(request):
                apply_state(article.pk, state)
                self.log_change(
                    request, article, f"Restored the version of {when}: {summary}"
                )
            messages.success(request, f"The version of {when} is restored.")
        return HttpResponseRedirect(self._url("change", article.pk))
