"""The categories in the site's menu, shared by the navigation bar and the front page."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest

from newsroom.caching import CACHE_ERRORS, site_version

from .fragments import FRAGMENT_SECONDS
from .models import Category


def _load() -> list[dict]:
    menu = Category.objects.filter(is_in_navigation=True)
    return list(menu.values("pk", "name", "slug"))


def _load_all() -> list[dict]:
    return list(Category.objects.values("pk", "name", "slug"))


def menu_categories(request: HttpRequest | None = None) -> list[dict]:
    """pk, name and slug of each menu category, in menu order.

    Cached per version of the site-wide cache tag, which a renamed, added,
    removed or reordered category renews, so the change shows at once; a
    page being rendered reuses the version it recorded.
    """
    return _kept("nav-categories", _load, request)


def all_categories(request: HttpRequest | None = None) -> list[dict]:
    """pk, name and slug of every category, in menu order (the search form's choices)."""
    return _kept("all-categories", _load_all, request)


def _kept(
    name: str, load: Callable[[], list[dict]], request: HttpRequest | None
) -> list[dict]:
    try:
        version = site_version(request)
        if version is None:
            return load()
        # Versioned: kept as long as stored fragments, not as short as pages.
        return cache.get_or_set(f"{name}:{version}", load, FRAGMENT_SECONDS)
    except CACHE_ERRORS:
        return load()
