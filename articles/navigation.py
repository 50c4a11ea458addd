"""The categories in the site's menu, shared by the navigation bar and the front page."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from newsroom.caching import CACHE_ERRORS, site_version

from .fragments import FRAGMENT_SECONDS
from .models import Category


def _load() -> list[dict]:
    menu = Category.objects.filter(is_in_navigation=True)
    return list(menu.values("pk", "name", "slug"))


def menu_categories(request: HttpRequest | None = None) -> list[dict]:
    """pk, name and slug of each menu category, in menu order.

    Cached per version of the site-wide cache tag, which a renamed, added or
    reordered category renews, so the change shows at once; a page being
    rendered reuses the version it recorded.
    """
    try:
        version = site_version(request)
        if version is None:
            return _load()
        # Versioned: kept as long as stored fragments, not as short as pages.
        return cache.get_or_set(f"nav-categories:{version}", _load, FRAGMENT_SECONDS)
    except CACHE_ERRORS:
        return _load()
