"""Where the newsroom desk (Django's admin) lives: NEWSROOM_ADMIN_PATH.

Read by settings.py, so nothing here may import models or the admin. The desk
is mounted before the public pages, so its first segment takes that address
from the site: it must not be one of the site's own top-level paths, and no
category may use it as its slug (articles.models.validate_category_slug).
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

DEFAULT_ADMIN_PATH = "admin/"

# Top-level paths the public site answers itself: no category slug and no
# desk path may take them (articles.models.RESERVED_CATEGORY_SLUGS adds "admin").
PUBLIC_TOP_LEVEL = frozenset(
    {
        "accounts",
        "authors",
        "comments",
        "feeds",
        "healthz",
        "media",
        "news-sitemap.xml",
        "preview",
        "robots.txt",
        "search",
        "sitemap.xml",
        "sitemaps",
        "static",
        "tags",
    }
)

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.~-]{0,63}")


def parse_admin_path(raw: str | None, name: str = "NEWSROOM_ADMIN_PATH") -> str:
    """``"desk/"`` and ``"office/desk/"`` pass; anything else is refused with one clear sentence."""
    value = (raw or "").strip() or DEFAULT_ADMIN_PATH
    example = "for example desk/ or office/desk/"
    if value.startswith("/"):
        raise ImproperlyConfigured(
            f"{name} must not start with a slash ({example}), not {value!r}."
        )
    if not value.endswith("/"):
        raise ImproperlyConfigured(
            f"{name} must end with a slash ({example}), not {value!r}."
        )
    segments = value[:-1].split("/")
    if len(value) > 200 or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise ImproperlyConfigured(
            f"{name} must be path segments of letters, digits, '-', '_', '.' or '~', "
            f"each ending in a slash ({example}), not {value!r}."
        )
    if segments[0].lower() in PUBLIC_TOP_LEVEL:
        raise ImproperlyConfigured(
            f"{name} must not start with {segments[0]}/: the public site uses that "
            f"address ({example}), not {value!r}."
        )
    return value
