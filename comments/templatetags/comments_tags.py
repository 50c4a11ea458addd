from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from articles.models import Article
from newsroom.caching import depends_on

from .. import discussion, policy
from ..forms import CommentForm
from ..models import DISCUSSION_ANCHOR, DISCUSSION_HEADING_ID
from ..text import render_body

register = template.Library()


def discussion_tag(article_id: int) -> str:
    """The cache tag of everything that shows an article's comments."""
    return f"comments:{article_id}"


@register.simple_tag(takes_context=True)
def load_discussion(context: Context, article: Article) -> dict:
    """The comments area of an article page: threads, count, and a blank form."""
    request = context.get("request")
    if request is not None:
        depends_on(request, discussion_tag(article.pk))
    closed = policy.closed_reason(article)
    return {
        "discussion": discussion.load(article),
        "closed_reason": closed,
        "form": None if closed else CommentForm(),
        "anchor": DISCUSSION_ANCHOR,
        "heading_id": DISCUSSION_HEADING_ID,
    }


@register.filter
def comment_html(body: str) -> SafeString:
    return render_body(body)
