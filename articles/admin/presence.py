"""“Alex Chen is also editing this article”: the change form's heartbeat.

``PresenceMixin`` goes among ArticleAdmin's bases. Opening the change form
counts as a heartbeat; ``static/js/desk-presence.js`` then posts one every
``HEARTBEAT_SECONDS`` to the article's ``presence/`` address and shows who
else has the form open, from the JSON answer. Without the script the form
shows nothing of this. Everything is kept in the shared cache
(``articles/presence.py``).
"""

from __future__ import annotations

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.forms import Media, Script
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.urls import URLPattern, path, reverse
from django.utils.cache import add_never_cache_headers

from .. import presence


class PresenceMixin:
    """For ArticleAdmin: who else has the article's change form open."""

    def get_urls(self) -> list[URLPattern]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name=f"{info}_presence",
            ),
            *super().get_urls(),
        ]

    def presence_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST: a heartbeat, answered with who else is there; ``leaving=1``: gone."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if request.POST.get("leaving"):
            presence.leave(article.pk, request.user)
            return HttpResponse(status=204)
        presence.heartbeat(
            article.pk,
            request.user,
            is_editing=self.has_change_permission(request, article),
        )
        response = JsonResponse(
            {
                "others": [
                    {
                        "name": other.name,
                        "opened_at": other.opened_at.isoformat(),
                        "is_editing": other.is_editing,
                        "message": other.describe(),
                    }
                    for other in presence.others(article.pk, request.user)
                ],
                "heartbeat_seconds": presence.HEARTBEAT_SECONDS,
            }
        )
        add_never_cache_headers(response)
        return response

    def render_change_form(
        self, request: HttpRequest, context: dict, add=False, change=False, **kwargs
    ) -> HttpResponse:
        obj = kwargs.get("obj")
        if change and obj is not None and obj.pk is not None:
            if request.method == "GET":
                presence.heartbeat(
                    obj.pk,
                    request.user,
                    is_editing=self.has_change_permission(request, obj),
                )
            opts = self.opts
            url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_presence",
                args=[quote(obj.pk)],
            )
            script = Script(
                "js/desk-presence.js",
                **{
                    "data-presence-url": url,
                    "data-heartbeat-seconds": str(presence.HEARTBEAT_SECONDS),
                    "defer": True,
                },
            )
            context["media"] = context["media"] + Media(js=[script])
        return super().render_change_form(request, context, add, change, **kwargs)
