from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        from newsroom.caching import register_schedule

        from . import signals  # noqa: F401
        from .models import Article
        from .search import index as search_index

        register_schedule(Article.objects.next_publication_time)
        # The search index follows every save and delete of an article.
        search_index.connect()
