from __future__ import annotations

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles.fragments import ArticlePart, StoredFragments
from articles.models import Article
from newsroom.caching import depends_on

from .. import discussion, policy
from ..forms import CommentForm
from ..models import DISCUSSION_ANCHOR, DISCUSSION_HEADING_ID
from ..signing import form_timestamp
from ..text import render_body

register = template.Library()

# The article page's threads: ``{% stored "discussion" %}`` in _discussion.html.
STORED = "discussion"


def discussion_tag(article_id: int) -> str:
    """The cache tag of everything that shows an article's comments."""
    return f"comments:{article_id}"


def discussion_part(request: HttpRequest, article: Article) -> ArticlePart:
    """The article page's threads, stored until a comment on the article changes.

    Its key names the comments' cache tag (renewed by ``signals.py``), the
    article's row (its prompt, whether it takes comments) and whether the
    discussion is open now: the clock can close it, and an empty one invites
    a first comment only while open. The form is not stored.
    """
    closed = "closed" if policy.closed_reason(article) else "open"
    return ArticlePart(STORED, (discussion_tag(article.pk),), variant=closed)


@register.simple_tag(takes_context=True)
def load_discussion(context: Context, article: Article) -> dict:
    """The comments area of an article page: threads, count, and whether it is closed."""
    request = context.get("request")
    if request is not None:
        depends_on(request, discussion_tag(article.pk))
    return {
        "discussion": _threads(context.get("stored_fragments"), article),
        "closed_reason": policy.closed_reason(article),
        "anchor": DISCUSSION_ANCHOR,
        "heading_id": DISCUSSION_HEADING_ID,
    }


# A blank form is the same for every reader of an article but for its signed
# time stamp: rendered once per article and process, and the stamp put in.
_BLANK_FORMS: dict[tuple[int, int], str] = {}
_KEPT_BLANK_FORMS = 1000
_STAMP_HOLE = "\x00shown-at\x00"


@register.simple_tag
def blank_comment_form(article: Article, heading_level: int = 2) -> SafeString:
    """The article page's comment form (comments/_form.html), with a new time stamp."""
    key = (article.pk, heading_level)
    html = _BLANK_FORMS.get(key)
    if html is None:
        form = CommentForm(initial={"shown_at": _STAMP_HOLE})
        html = render_to_string(
            "comments/_form.html",
            {"form": form, "article": article, "heading_level": heading_level},
        )
        if not settings.DEBUG:  # while developing, templates change underneath
            if len(_BLANK_FORMS) >= _KEPT_BLANK_FORMS:
                _BLANK_FORMS.clear()
            _BLANK_FORMS[key] = html
    return mark_safe(html.replace(_STAMP_HOLE, form_timestamp()))


def _threads(store: StoredFragments | None, article: Article) -> discussion.Discussion:
    """The threads from the database, or only their count when they are stored."""
    if store is None or not store.is_stored(STORED):
        return discussion.load(article)
    if not store.missing(STORED):
        return discussion.Discussion(article, threads=[], page=1, **store.data(STORED))
    loaded = discussion.load(article)
    store.keep_data(STORED, total=loaded.total, has_next=loaded.has_next)
    return loaded


@register.filter
def comment_html(body: str) -> SafeString:
    return render_body(body)
