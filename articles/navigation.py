"""The categories in the site's menu, shared by the navigation bar and the front page."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from newsroom.caching import CACHE_ERRORS, current_generation

from .models import Category


def _load() -> list[dict]:
    menu = Category.objects.filter(is_in_navigation=True)
    return list(menu.values("pk", "name", "slug"))


def menu_categories(request: HttpRequest | None = None) -> list[dict]:
    """pk, name and slug of each menu category, in menu order.

    Cached per content generation, so a renamed or reordered category shows at
    once; a request the page cache has already seen reuses its generation.
    """
    try:
        generation = getattr(request, "content_generation", None)
        if generation is None:
            generation, _ = current_generation()
        return cache.get_or_set(
            f"nav-categories:{generation}", _load, settings.NEWSROOM_PAGE_CACHE_SECONDS
        )
    except CACHE_ERRORS:
        return _load()
