"""Posting comments from a cached, cookie-free article page.

The article page's form carries no CSRF token (that would make the page
private). Forgery is stopped instead by asking the browser where the POST
came from: Fetch Metadata (``Sec-Fetch-Site``) or ``Origin``. A browser that
sends neither gets a confirmation page carrying an ordinary CSRF token. See
docs/comments.md for the threat model.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from articles.models import Article

from . import notifications, policy
from .abuse import address_group, client_ip, rate_limited, request_origin_verdict
from .forms import CommentForm
from .models import Comment, body_digest
from .moderation import judge
from .querysets import same_email
from .signing import (
    COMMENTER_COOKIE,
    comment_from_posted_token,
    commenter_email,
    commenter_token,
    form_timestamp,
    posted_token,
)
from .text import clean_line

# The same words from the same reader in the same place (article and thread)
# within a few minutes: a second click, not a second comment.
OWN_DUPLICATE_WINDOW = timedelta(minutes=10)

OUTCOMES = {
    Comment.Rule.FIRST_TIME: "Thank you. As this is your first comment here, "
    "it will appear once a moderator has approved it.",
    Comment.Rule.PRE_MODERATION: "Thank you. Comments on this article are "
    "read by a moderator first; yours will appear once approved.",
}
HELD = "Thank you. Your comment is held for moderation and will appear once a moderator has approved it."
PUBLISHED = "Thank you. Your comment is published."


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def outcome_message(comment: Comment) -> str:
    if comment.status == Comment.Status.APPROVED:
        return PUBLISHED
    if comment.status == Comment.Status.PENDING:
        return OUTCOMES.get(comment.rule, HELD)
    return "Your comment was not published."


def _csrf_token_valid(request: HttpRequest) -> bool:
    def probe(request: HttpRequest) -> None:  # a view that is not exempt
        return None

    return CsrfViewMiddleware(probe).process_view(request, probe, (), {}) is None


def _refuse(
    request: HttpRequest,
    article: Article | None,
    status: int,
    message: str,
    form: CommentForm | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    """The reader's text comes back with the message, with and without JavaScript."""
    if _wants_json(request):
        payload = {"ok": False, "message": message, "shown_at": form_timestamp()}
        if form is not None and form.errors:
            payload["errors"] = {
                name: [str(e) for e in errors] for name, errors in form.errors.items()
            }
        response = JsonResponse(payload, status=status)
    else:
        if form is not None:
            form = form.fresh()
            form.is_valid()  # show the field errors again
        response = render(
            request,
            "comments/problem.html",
            {"article": article, "message": message, "form": form},
            status=status,
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _author(request: HttpRequest, form: CommentForm) -> tuple[str, str]:
    user = form.user
    if user is not None:
        name = (user.get_full_name() or user.get_username())[:80]
        return name, user.email or ""
    return form.cleaned_data["author_name"], form.cleaned_data["author_email"]


def _thread_root(article: Article, parent_id: int | None) -> Comment | bool | None:
    """The top-level comment a reply belongs to; False when it is not one readers see."""
    if parent_id is None:
        return None
    parent = (
        Comment.objects.visible()
        .filter(pk=parent_id, article_id=article.pk)
        .select_related("parent")
        .first()
    )
    if parent is None:
        return False
    if parent.parent_id is not None:  # replies stay one level deep
        parent = parent.parent
        if parent.status != Comment.Status.APPROVED:
            return False
    return parent


@csrf_exempt  # forgery is checked below, without a token on the cached page
@never_cache
def post_comment(request: HttpRequest, article_pk: int) -> HttpResponse:
    if request.method != "POST":
        return _refuse(
            request,
            None,
            405,
            "Comments are posted with the form at the end of each article.",
            headers={"Allow": "POST"},
        )
    article = Article.objects.for_article_page().filter(pk=article_pk).first()
    if article is None:
        return _refuse(
            request, None, 404, "There is no published article to comment on here."
        )
    form = CommentForm(request.POST, user=request.user)

    origin = request_origin_verdict(request)
    if origin is False:
        return _refuse(
            request,
            article,
            403,
            "This comment was sent from another site, so it was not posted.",
        )
    if origin is None:
        if "csrfmiddlewaretoken" not in request.POST:
            # An old browser or a script: confirm with an ordinary CSRF token.
            get_token(request)
            # The form's own stamp travels on, so the bot checks still apply.
            return render(
                request, "comments/confirm.html", {"article": article, "form": form}
            )
        if not _csrf_token_valid(request):
            return _refuse(
                request, article, 403, "This form has expired; please post again.", form
            )

    closed = policy.closed_reason(article)
    if closed:
        return _refuse(request, article, 403, closed, form)
    if form.is_bot:
        return _refuse(request, article, 400, "Your comment could not be posted.")
    if form.is_too_quick:
        # A person who pasted and posted at once gets their text back.
        return _refuse(
            request,
            article,
            400,
            "That was quicker than we expect from a person. Your text is kept "
            "below: please check it and post it again.",
            form,
        )
    if form.is_stale:
        return _refuse(
            request,
            article,
            400,
            "This form was open for a long time, or could not be checked. Your "
            "text is kept below: please post it again.",
            form,
        )
    if not form.is_valid():
        return _refuse(
            request, article, 400, "Please correct the problems below.", form
        )
    root = _thread_root(article, form.cleaned_data["parent"])
    if root is False:
        return _refuse(
            request,
            article,
            400,
            "The comment you replied to is not available any more.",
            form,
        )
    name, email = _author(request, form)
    address = client_ip(request)
    group = address_group(address)
    wait = rate_limited(
        f"address:{group}" if group else None,
        f"email:{email.lower()}" if email else None,
    )
    if wait:
        return _refuse(
            request,
            article,
            429,
            f"You are posting faster than we allow. Please wait {wait} seconds, then post again.",
            form,
            {"Retry-After": str(wait)},
        )
    comment = _store(request, article, form, root, name, email, address)
    if comment.rule == Comment.Rule.BAN:
        return _refuse(
            request, article, 403, "Comments from this address are not accepted."
        )
    if _wants_json(request):
        published = comment.status == Comment.Status.APPROVED
        comment.article = article
        html = (
            render_to_string(
                "comments/_comment.html",
                {"comment": comment, "can_reply": root is None},
            )
            if published
            else ""
        )
        response = JsonResponse(
            {
                "ok": True,
                "status": "published" if published else "held",
                "message": outcome_message(comment),
                "id": comment.pk,
                "parent": root.pk if root else None,
                "html": html,
                "shown_at": form_timestamp(),
            },
            status=201,
        )
    else:
        # 303: the browser fetches the result page with GET (post/redirect/get).
        response = redirect("comments:posted", token=posted_token(comment.pk))
        response.status_code = 303
    _remember_commenter(request, response, email)
    return response


def _remember_commenter(
    request: HttpRequest, response: HttpResponse, email: str
) -> None:
    """Let this browser prove next time that it posted with this address.

    The cookie is sent only to /comments/ addresses: article pages never see
    it, so they stay the same for every reader.
    """
    if not email:
        return
    response.set_cookie(
        COMMENTER_COOKIE,
        commenter_token(email),
        max_age=60 * 60 * 24 * 365,
        path="/comments/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _store(request, article, form, root, name, email, address) -> Comment:
    with transaction.atomic():
        # One poster at a time per article: a double click cannot store twice.
        Article.objects.select_for_update().filter(pk=article.pk).exists()
        body = form.cleaned_data["body"]
        earlier = (
            Comment.objects.filter(
                article=article, parent=root, body_digest=body_digest(body)
            )
            .filter(
                Q(user=form.user) if form.user else same_email("author_email", email)
            )
            .newest_since(timezone.now() - OWN_DUPLICATE_WINDOW)
        )
        if earlier is not None:
            return earlier
        verdict = judge(
            article,
            body=body,
            email=email,
            address=address,
            user=form.user,
            proven_email=commenter_email(request.COOKIES.get(COMMENTER_COOKIE)),
        )
        comment = Comment.objects.create(
            article=article,
            parent=root,
            user=form.user,
            author_name=name,
            author_email=email,
            body=body,
            status=verdict.status,
            rule=verdict.rule,
            reason=verdict.reason,
            wants_email=form.cleaned_data["wants_email"] and bool(email),
            ip_address=address,
            user_agent=clean_line(request.headers.get("User-Agent", ""))[:300],
        )
        notifications.comment_posted(comment)
    return comment


@never_cache
@require_GET
def posted(request: HttpRequest, token: str) -> HttpResponse:
    """What became of the reader's comment (the page after posting without JavaScript)."""
    comment_id = comment_from_posted_token(token)
    if comment_id is None:
        raise Http404("This link has expired.")
    comment = get_object_or_404(Comment.objects.with_article(), pk=comment_id)
    return render(
        request,
        "comments/posted.html",
        {
            "comment": comment,
            "article": comment.article,
            "message": outcome_message(comment),
        },
    )


@never_cache
@require_GET
def session(request: HttpRequest) -> JsonResponse:
    """For the comment form's script: a fresh form stamp, and who is logged in."""
    user = request.user if request.user.is_authenticated else None
    return JsonResponse(
        {
            "shown_at": form_timestamp(),
            "user": (user.get_full_name() or user.get_username()) if user else None,
        }
    )


@never_cache
@require_GET
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply form of its own, for readers without JavaScript."""
    parent = get_object_or_404(Comment.objects.shown().with_article(), pk=pk)
    article = parent.article
    if not article.is_public:
        raise Http404("No such comment.")
    closed = policy.closed_reason(article)
    form = None if closed else CommentForm(initial={"parent": parent.pk})
    return render(
        request,
        "comments/reply.html",
        {"parent": parent, "article": article, "form": form, "closed_reason": closed},
    )
