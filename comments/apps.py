from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self) -> None:
        from articles.cards import register_card_decorator
        from articles.fragments import register_article_part
        from articles.models import reserve_anchors

        from . import signals
        from .cards import add_comment_counts
        from .models import DISCUSSION_ANCHOR, DISCUSSION_HEADING_ID
        from .templatetags.comments_tags import discussion_part

        signals.connect()
        register_card_decorator(add_comment_counts)
        # The article page's threads are stored until signals renew their tag.
        register_article_part(discussion_part)
        # The discussion's ids on the article page: no section may take them.
        reserve_anchors(DISCUSSION_ANCHOR, DISCUSSION_HEADING_ID)
