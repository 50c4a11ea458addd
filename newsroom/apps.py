from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


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
