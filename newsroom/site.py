"""The site's public address, for links that leave the page (feeds, sitemaps, metadata)."""

from django.conf import settings
from django.http import HttpRequest


def site_root(request: HttpRequest) -> str:
    """Scheme and host: NEWSROOM_BASE_URL when set, else the request's own."""
    return settings.NEWSROOM_BASE_URL or f"{request.scheme}://{request.get_host()}"


def absolute_url(request: HttpRequest, path: str) -> str:
    """``path`` as an absolute address; absolute addresses pass through unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root(request) + path
