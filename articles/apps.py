from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        from newsroom.caching import register_schedule

        from . import signals
        from .models import Article
        from .search import index as search_index

        register_schedule(Article.objects.next_publication_time)
        # Cached pages follow every change to what readers see.
        signals.connect()
        # The search index follows every save and delete of an article.
        search_index.connect()
