"""Revisions of articles at the desk, and changes to live articles that wait.

``RevisionsMixin`` goes among ArticleAdmin's bases, after WorkflowMixin; it
brings ``RevisionPagesMixin`` (``revision_pages.py``), the pages that show,
compare, restore, publish and discard what is saved here:

- **Revisions** (django-reversion): every save at the desk keeps the article
  with its parts (``articles.revisions.PARTS``) and tags, with who and when;
  so do the list's actions and the import page (``kept_as_revision``).
- **Changes to a live article wait**: saving a live article keeps the
  changes as its ``PendingEdit`` and leaves the live rows as they were. The
  form is saved as usual inside the admin's transaction, the result is read,
  and the transaction is rolled back (``_Saved`` carries the result out). An
  article with a pending edit opens with the pending version: the change
  view runs inside ``pending_world``, which is always rolled back.
  Unpublishing at the form is not an edit: an editor's save that takes the
  article off the site is kept at once.
- **History entries say what changed**, from the stored article before and
  after the save, so an inline form that was re-sent unchanged is not named;
  nor is a text re-sent with a browser's CR LF line breaks.

A system check (articles.E101) names any inline of the change form whose
model ``PARTS`` does not hold: its changes to a live article would be lost.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.db import DatabaseError, router, transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion_compare.admin import CompareVersionAdmin

from ..models import Article, PendingEdit
from ..revisions import (
    PARTS,
    apply_state,
    diff_states,
    number_new_parts,
    part_numbers,
    state_of,
)
from .revision_pages import RevisionPagesMixin, number

PUBLISHED = Article.Status.PUBLISHED

# What a request learnt on its way, kept on the request object.
_EDITING = "_desk_revisions_editing"
_BEFORE = "_desk_revisions_before"
_AFTER = "_desk_revisions_after"
_OUTLAST = "_desk_revisions_outlast"


@dataclass
class _Editing:
    """A change form request on an article that is live or has a pending edit."""

    article_id: int
    was_live: bool
    edit: PendingEdit | None
    stored_parts: dict[str, set[int]]


class _Saved(Exception):
    """The form was saved: roll the transaction back and keep ``state`` instead."""

    def __init__(self, state: dict, message: str, *, pending: bool) -> None:
        super().__init__(message)
        self.state = state
        self.message = message
        self.pending = pending


class _Shown(Exception):
    """A page was rendered in the pending version: roll it back, answer with it."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("rendered")
        self.response = response


def _with_lf_line_breaks(data: QueryDict) -> QueryDict:
    sent = data.copy()
    for key, values in sent.lists():
        sent.setlist(key, [value.replace("\r\n", "\n") for value in values])
    return sent


def outlast_rollback(request: HttpRequest, keep: Callable[[dict], None]) -> None:
    """Have ``keep(state)`` run if this save is rolled back and kept as a state.

    For what a save at the change form makes that stands on its own, outside
    the article (a new picture in the image library): after the rollback,
    ``keep`` saves it again for good and points ``state`` at it, before the
    state is stored or applied. A save that stands as it is runs nothing.
    """
    request.__dict__.setdefault(_OUTLAST, []).append(keep)


class RevisionsMixin(RevisionPagesMixin, CompareVersionAdmin):
    """For ArticleAdmin: revisions, compare and restore, and pending edits."""

    # VersionAdmin swaps in its own list template; the article list keeps its.
    change_list_template = None

    class Media:
        # The notice of changes not yet live on the change form.
        css = {"all": ["css/desk-revisions.css"]}

    def check(self, **kwargs) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        kept = set(PARTS.values())
        # The inlines of a saved article's form, mixins' additions included.
        request = HttpRequest()
        request.user = AnonymousUser()
        for inline in self.get_inlines(request, self.model(pk=0)):
            if inline.model not in kept:
                errors.append(
                    checks.Error(
                        f"{inline.__name__} edits {inline.model.__name__}, which "
                        "revisions and pending edits do not keep: its changes to "
                        "a live article would be lost.",
                        hint="Add the model to articles.revisions.PARTS.",
                        obj=type(self),
                        id="articles.E101",
                    )
                )
        return errors

    @contextmanager
    def kept_as_revision(self, request: HttpRequest, comment: str):
        """What a POST saves within is one revision by its user."""
        if request.method != "POST":
            yield
            return
        with self.create_revision(request):
            reversion.set_comment(comment)
            yield

    # -- saving at the change form -------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            # Browsers send a text area's line breaks as CR LF, whatever the
            # page held: as sent, every paragraph saved elsewhere (an import)
            # would count as changed, and a live article unchanged would get
            # changes waiting.
            request.POST = _with_lf_line_breaks(request.POST)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        article_id = number(object_id)
        edit = was_live = None
        if article_id is not None:
            edit = (
                PendingEdit.objects.select_related("saved_by")
                .filter(article_id=article_id)
                .first()
            )
            was_live = Article.objects.published().filter(pk=article_id).exists()
        if edit is None and not (was_live and request.method == "POST"):
            return super().change_view(request, object_id, form_url, extra_context)
        request.__dict__[_EDITING] = _Editing(
            article_id, was_live, edit, part_numbers(article_id)
        )
        try:
            with transaction.atomic(using=router.db_for_write(Article)):
                if edit is not None and not self._enter_pending(request, edit):
                    request.__dict__[_EDITING].edit = edit = None
                response = super().change_view(
                    request, object_id, form_url, extra_context
                )
                if edit is not None:
                    if isinstance(response, SimpleTemplateResponse):
                        response.render()
                    raise _Shown(response)
        except _Shown as shown:
            response = shown.response
        except _Saved as saved:
            editing = request.__dict__.pop(_EDITING)
            for keep in request.__dict__.pop(_OUTLAST, []):
                keep(saved.state)
            if saved.pending:
                return self._keep_pending(request, editing, saved)
            return self._keep_now(request, editing, saved)
        finally:
            request.__dict__.pop(_EDITING, None)
            request.__dict__.pop(_OUTLAST, None)
        return response

    def _enter_pending(self, request: HttpRequest, edit: PendingEdit) -> bool:
        """Put the pending version in the database (for this transaction only)."""
        try:
            with transaction.atomic():
                apply_state(edit.article_id, edit.state, keep_numbers=True)
        except DatabaseError as error:
            # E.g. its address was taken by another article meanwhile.
            messages.error(
                request,
                format_html(
                    "The changes not yet live no longer fit this article ({}): "
                    'the form shows the live version. <a href="{}">See them</a> '
                    "to discard them, or save the form to replace them.",
                    str(error).splitlines()[0][:200],
                    self._url("pending", edit.article_id),
                ),
            )
            return False
        return True

    def save_model(self, request: HttpRequest, obj: Article, form, change) -> None:
        if change:
            request.__dict__[_BEFORE] = (obj.pk, state_of(obj.pk))
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        """What the save changed in the stored article; unchanged parts go unnamed."""
        pk, before = request.__dict__.pop(_BEFORE, (None, None))
        if add or before is None or pk != form.instance.pk:
            return super().construct_change_message(request, form, formsets, add)
        after = state_of(pk)
        request.__dict__[_AFTER] = (pk, after)
        return diff_states(before, after).summary()

    def log_change(self, request: HttpRequest, obj, message):
        editing: _Editing | None = request.__dict__.get(_EDITING)
        if editing is not None and editing.article_id == obj.pk:
            pending = editing.was_live and (
                obj.status == PUBLISHED or not self.has_publish_permission(request)
            )
            if pending or editing.edit is not None:
                pk, after = request.__dict__.pop(_AFTER, (None, None))
                if pk != obj.pk:
                    after = state_of(obj.pk)
                state = number_new_parts(after, editing.stored_parts)
                raise _Saved(state, message, pending=pending)
        return super().log_change(request, obj, message)

    def _keep_pending(
        self, request: HttpRequest, editing: _Editing, saved: _Saved
    ) -> HttpResponse:
        """The live article is as it was: keep the saved version as its pending edit."""
        base = editing.edit.base if editing.edit else state_of(editing.article_id)
        # The status is the desk's decision, not an edit's: it stays.
        state = saved.state
        state["article"]["status"] = base["article"].get("status")
        changes = diff_states(base, state)
        article = Article.objects.get(pk=editing.article_id)
        if not changes:
            # Back to what readers see: nothing waits any more.
            PendingEdit.objects.filter(article=article).delete()
            self.log_change(request, article, "No changes from the live version")
            messages.info(request, "No changes: readers see the article as it is.")
            return self._after_save(request, article)
        PendingEdit.objects.update_or_create(
            article=article,
            defaults={
                "state": state,
                "base": base,
                "summary": changes.summary(),
                "saved_by": request.user,
                "saved_at": timezone.now(),
            },
        )
        self.log_change(request, article, f"Not yet live: {saved.message}")
        messages.success(
            request,
            format_html(
                "Changes saved, not yet live — publish them when ready. "
                '<a href="{}">Preview them</a> or <a href="{}">see what changed</a>.',
                reverse("articles:pending-preview", args=[article.pk]),
                self._url("pending", article.pk),
            ),
        )
        return self._after_save(request, article)

    def _after_save(self, request: HttpRequest, article: Article) -> HttpResponse:
        """Where the admin's save buttons lead: the form again, a new one, the list."""
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.get_full_path())
        if "_addanother" in request.POST:
            return HttpResponseRedirect(self._url("add"))
        return self.response_post_save_change(request, article)

    def _keep_now(
        self, request: HttpRequest, editing: _Editing, saved: _Saved
    ) -> HttpResponse:
        """A save that takes effect at once (an unpublish), from the pending version."""
        with transaction.atomic(), self.create_revision(request):
            message = diff_states(state_of(editing.article_id), saved.state).summary()
            article = apply_state(editing.article_id, saved.state)
            PendingEdit.objects.filter(article_id=article.pk).delete()
            self.log_change(request, article, message)
        return self.response_change(request, article)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        editing: _Editing | None = request.__dict__.get(_EDITING)
        if editing is not None and editing.edit is not None:
            context["pending_notice"] = self.pending_links(request, editing.edit)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Not VersionAdmin's, which opens a revision for every request: reading
        # the list saves nothing, and an action (publish, return to draft) is
        # kept as a revision that says where it came from.
        with self.kept_as_revision(
            request, "Changed with an action on the article list"
        ):
            return super(VersionAdmin, self).changelist_view(request, extra_context)
