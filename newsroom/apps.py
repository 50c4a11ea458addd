from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from taggit import apps as taggit_apps


def refresh_planner_statistics(sender, using: str = "default", **kwargs) -> None:
    """ANALYZE after migrating: without statistics SQLite picks poor indexes."""
    connection = connections[using]
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        post_migrate.connect(refresh_planner_statistics, sender=self)


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit, named "Tags" at the desk (its own name is "Taggit").

    Its label stays "taggit", so its migrations and tables are its own.
    """

    default = False  # "newsroom" in INSTALLED_APPS still means NewsroomConfig
    verbose_name = "Tags"
