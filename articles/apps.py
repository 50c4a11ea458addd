from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    # At the desk: "Content › Articles", beside "Tags" and "Reader comments".
    verbose_name = "Content"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import roles, signals
        from .search import index as search_index

        # Cached pages follow every change to what readers see, and every
        # scheduled article going live.
        signals.connect()
        # The search index follows every save and delete of an article.
        search_index.connect()
        # Renamed authors and tags keep their old addresses; replaced pictures go.
        from . import moves

        moves.connect()
        # The image library: lead pictures, renditions, clean-up, cards, checks.
        from . import pictures

        pictures.connect()
        # The desk's groups stay as articles/roles.py defines them.
        post_migrate.connect(roles.complete_roles, dispatch_uid="articles_roles")
