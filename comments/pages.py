"""Public, cached pages of comments beyond what the article page shows."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article
from articles.page_tags import article_tag, category_tag
from articles.pagination import page_number
from newsroom.caching import depends_on, public_page

from . import discussion, policy
from .forms import CommentForm
from .models import Comment
from .templatetags.comments_tags import discussion_tag


@public_page(query=("page",))
def article_comments(request: HttpRequest, article_pk: int) -> HttpResponse:
    """Every thread of an article's discussion, a page at a time (newest first)."""
    article = get_object_or_404(
        Article.objects.published().select_related("category"), pk=article_pk
    )
    depends_on(
        request,
        discussion_tag(article.pk),
        article_tag(article.pk),
        category_tag(article.category_id),
    )
    number = page_number(request)
    loaded = discussion.load(article, number)
    if number > 1 and not loaded.threads:
        raise Http404("No such page.")
    return render(
        request,
        "comments/article_comments.html",
        {"article": article, "discussion": loaded},
    )


@public_page(query=("page",))
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One comment and all its replies."""
    # The article's title and comment policy show too.
    found = (
        Comment.objects.filter(pk=pk)
        .values_list("article_id", "article__category_id")
        .first()
    )
    if found is None:
        raise Http404("No such comment.")
    article_id, category_id = found
    depends_on(
        request,
        discussion_tag(article_id),
        article_tag(article_id),
        category_tag(category_id),
    )
    comment = get_object_or_404(
        Comment.objects.visible().filter(parent__isnull=True).with_article(),
        pk=pk,
    )
    article = comment.article
    if not article.is_public:
        raise Http404("No such comment.")
    replies = (
        Comment.objects.visible().filter(parent=comment).order_by("created_at", "id")
    )
    paginator = Paginator(replies, settings.NEWSROOM_COMMENTS_PER_PAGE * 2)
    number = page_number(request)
    if number > paginator.num_pages:
        raise Http404("No such page.")
    page = paginator.page(number)
    page.object_list = list(page.object_list)
    for reply in page.object_list:
        reply.article = article
    closed = policy.closed_reason(article)
    return render(
        request,
        "comments/thread.html",
        {
            "article": article,
            "comment": comment,
            "page": page,
            "closed_reason": closed,
            "form": None if closed else CommentForm(initial={"parent": comment.pk}),
        },
    )
