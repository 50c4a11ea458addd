from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self) -> None:
        from articles.cards import register_card_decorator

        from . import signals
        from .cards import add_comment_counts

        signals.connect()
        register_card_decorator(add_comment_counts)
