"""Sharing a draft for review: the change form's panel and the article's links page.

``SharingMixin`` goes among ArticleAdmin's bases. The change form shows the
article's open review links in a panel that leads to its links page, where
an editor makes a link (open 7 days unless they choose 1 to 30), copies it
and revokes it. A link is shown once, when it is made: only a hash of its
secret is kept (``articles/sharing.py``). Making and revoking need the
right to change the article and ``articles.add_sharelink``; Editors have
it, Writers do not.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from newsroom.site import absolute_url

from ..models import Article, ShareLink
from ..sharing import DEFAULT_DAYS, MOST_DAYS, create_link, revoke
from .workflow import newsroom_time

SHARE_PERMISSION = "articles.add_sharelink"
PANEL_FIELD = "review_links"


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label="Open for (days)",
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MOST_DAYS,
        help_text=f"The link stops working after this many days, {MOST_DAYS} at most. "
        "You can revoke it sooner.",
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )
    label = forms.CharField(
        label="For",
        required=False,
        max_length=ShareLink._meta.get_field("label").max_length,
        help_text="Who gets it, e.g. “Legal review”, so you know which link to revoke. "
        "Only the desk sees this.",
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )


class SharingMixin:
    """For ArticleAdmin: review links for unpublished articles."""

    share_template = "admin/articles/article/share_links.html"

    def may_share(self, request: HttpRequest, article: Article) -> bool:
        return request.user.has_perm(SHARE_PERMISSION) and self.has_change_permission(
            request, article
        )

    def _share_url(self, name: str, *args) -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}",
            args=[quote(arg) for arg in args],
        )

    # -- the panel on the change form -------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        # Only for those who make links: a writer has nothing to do there.
        if (
            obj is not None
            and obj.pk is not None
            and request.user.has_perm(SHARE_PERMISSION)
        ):
            fieldsets.append(("Share a draft for review", {"fields": [PANEL_FIELD]}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk is not None:
            fields.append(PANEL_FIELD)
        return fields

    @admin.display(description="Review links")
    def review_links(self, obj: Article) -> str:
        links = list(ShareLink.objects.active().filter(article_id=obj.pk)[:3])
        page = self._share_url("share", obj.pk)
        if obj.is_public:
            if links:
                return format_html(
                    'The article is live, so its review links lead to its public page. <a href="{}">Revoke them</a>',
                    page,
                )
            return "The article is live: share its address instead."
        if not links:
            return format_html(
                'No open links. <a href="{}">Make a link</a> to let someone '
                "outside the newsroom read this draft without an account.",
                page,
            )
        count = ShareLink.objects.active().filter(article_id=obj.pk).count()
        return format_html(
            '{} open link{}, the newest until {}. <a href="{}">Make another, or revoke them</a>',
            count,
            "" if count == 1 else "s",
            newsroom_time(links[0].expires_at),
            page,
        )

    # -- the links page -------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/share/",
                view(self.share_links_view),
                name=f"{info}_share",
            ),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                view(self.revoke_share_link_view),
                name=f"{info}_share_revoke",
            ),
            *super().get_urls(),
        ]

    def _shared_article(self, request: HttpRequest, object_id: str) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def share_links_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._shared_article(request, object_id)
        may_share = self.may_share(request, article) and not article.is_public
        made = None
        form = ShareLinkForm()
        if request.method == "POST":
            if not may_share:
                raise PermissionDenied
            form = ShareLinkForm(request.POST)
            if form.is_valid():
                link, token = create_link(
                    article,
                    days=form.cleaned_data["days"],
                    created_by=request.user,
                    label=form.cleaned_data["label"],
                )
                self.log_change(
                    request,
                    article,
                    f"Made a review link, open until {newsroom_time(link.expires_at)}"
                    + (f" (for {link.label})" if link.label else ""),
                )
                # Answered here, not after a redirect: the token is kept nowhere.
                made = {
                    "link": link,
                    "until": newsroom_time(link.expires_at),
                    "url": absolute_url(
                        request, reverse("articles:shared", args=[token])
                    ),
                }
                form = ShareLinkForm()
        elif request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "POST"])
        request.current_app = self.admin_site.name
        links = (
            ShareLink.objects.active()
            .filter(article=article)
            .select_related("created_by")
        )
        return TemplateResponse(
            request,
            self.share_template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": "Share a draft for review",
                "subtitle": article.title,
                "form": form,
                "made": made,
                "links": links,
                "may_share": may_share,
                "may_revoke": self.may_share(request, article),
                "is_live": article.is_public,
                "most_days": MOST_DAYS,
                "change_url": self._share_url("change", article.pk),
            },
        )

    def revoke_share_link_view(
        self, request: HttpRequest, object_id: str, link_id: int
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._shared_article(request, object_id)
        if not self.may_share(request, article):
            raise PermissionDenied
        link = ShareLink.objects.filter(pk=link_id, article=article).first()
        if link is None:
            raise Http404("No such review link.")
        if revoke(link, by=request.user):
            self.log_change(
                request,
                article,
                "Revoked a review link"
                + (f" (for {link.label})" if link.label else ""),
            )
            messages.success(request, "Link revoked: it no longer opens the draft.")
        else:
            messages.info(request, "That link was already revoked.")
        return HttpResponseRedirect(self._share_url("share", article.pk))
