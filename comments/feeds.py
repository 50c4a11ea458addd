"""Feed of the approved comments on one article (RSS 2.0 and Atom)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import linebreaks

from articles.models import Article
from articles.page_tags import article_tag
from newsroom.caching import depends_on
from newsroom.syndication import FEED_LENGTH, NewsFeed

from .models import DISCUSSION_ANCHOR, Comment
from .templatetags.comments_tags import discussion_tag


class ArticleCommentsFeed(NewsFeed):
    """Approved comments on one public article, newest first."""

    def get_object(self, request: HttpRequest, pk: int) -> Article:
        article = get_object_or_404(
            Article.objects.published().select_related("category"), pk=pk
        )
        depends_on(request, discussion_tag(article.pk), article_tag(article.pk))
        return article

    def title(self, obj: Article) -> str:
        return f"Comments on “{obj.title}”"

    def description(self, obj: Article) -> str:
        return f"Reader comments on “{obj.title}” at {settings.NEWSROOM_SITE_NAME}."

    def link(self, obj: Article) -> str:
        return self.absolute(f"{obj.get_absolute_url()}#{DISCUSSION_ANCHOR}")

    def feed_url(self, obj: Article) -> str:
        name = "comments:feed" + ("-atom" if self.is_atom() else "")
        return self.absolute(reverse(name, args=[obj.pk]))

    def feed_guid(self, obj: Article) -> str:
        return self.feed_url(obj)

    def items(self, obj: Article) -> list[Comment]:
        comments = list(
            Comment.objects.shown()
            .filter(article=obj)
            .order_by("-created_at", "-id")[:FEED_LENGTH]
        )
        for comment in comments:
            comment.article = obj  # already loaded: no query per comment
        return comments

    def item_title(self, item: Comment) -> str:
        return f"{item.author_name} on “{item.article.title}”"

    def item_description(self, item: Comment) -> str:
        # Reader text is never HTML: escaped, with its line breaks kept.
        return linebreaks(item.body, autoescape=True)

    def item_link(self, item: Comment) -> str:
        return self.absolute(item.get_absolute_url())

    def item_guid(self, item: Comment) -> str:
        return self.tag_uri("comment", item.pk, item.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, item: Comment) -> datetime:
        return item.created_at

    def item_author_name(self, item: Comment) -> str:
        return item.author_name
