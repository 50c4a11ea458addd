"""Readers report comments; enough reports hide one until a moderator decides."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .abuse import address_group, client_ip, rate_limited, request_origin_verdict
from .forms import ReportForm
from .models import Comment
from .moderation import report


def reporter_key(request: HttpRequest) -> str:
    """The same reader gives the same key; the key does not give the reader away."""
    who = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else f"address:{address_group(client_ip(request))}"
    )
    return hmac.new(
        settings.SECRET_KEY.encode(), who.encode(), hashlib.sha256
    ).hexdigest()


@csrf_exempt  # the origin is checked below, as for posting comments
@never_cache
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.shown().with_article(), pk=pk)
    if not comment.article.is_public:
        return render(request, "404.html", status=404)
    context = {"comment": comment, "article": comment.article}
    if request.method == "GET":
        return render(
            request, "comments/report.html", {**context, "form": ReportForm()}
        )
    form = ReportForm(request.POST)
    if request_origin_verdict(request) is not True:
        context.update(
            form=form, message="Reports can only be sent from this site's own pages."
        )
        return render(request, "comments/report.html", context, status=403)
    if not form.is_valid():
        context.update(
            form=form, message="Please choose what is wrong with the comment."
        )
        return render(request, "comments/report.html", context, status=400)
    group = address_group(client_ip(request))
    wait = rate_limited(f"report:{group}" if group else None)
    if wait:
        context.update(
            form=form, message=f"Too many reports; please wait {wait} seconds."
        )
        response = render(request, "comments/report.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    is_new = report(
        comment,
        reporter=reporter_key(request),
        reason=form.cleaned_data["reason"],
        detail=form.cleaned_data["detail"],
    )
    context["message"] = (
        "Thank you. A moderator will look at this comment."
        if is_new
        else "You have reported this comment already; a moderator will look at it."
    )
    return render(request, "comments/reported.html", context)
