"""The site's public address, for links that leave the page.

Feeds, sitemaps, structured data, robots.txt and canonical links use
``site_root(request)``; e-mail, sent by a background task with no request to
look at, uses ``site_root_outside_request()``. Both put NEWSROOM_BASE_URL
first: production sets it, so every link names the same host however the
page or the mail came about.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def site_root(request: HttpRequest) -> str:
    """Scheme and host: NEWSROOM_BASE_URL when set, else the request's own.

    The host is Django's current site, as Django's feeds and sitemaps take
    it: the request's host while ``django.contrib.sites`` is not installed.
    """
    if settings.NEWSROOM_BASE_URL:
        return settings.NEWSROOM_BASE_URL
    return f"{request.scheme}://{get_current_site(request).domain}"


def absolute_url(request: HttpRequest, path: str) -> str:
    """``path`` as an absolute address; absolute addresses pass through unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root(request) + path


def site_root_outside_request() -> str:
    """Scheme and host for links made outside any request (e-mail).

    NEWSROOM_BASE_URL when set (production should always set it); otherwise
    the first named host in ALLOWED_HOSTS, over HTTPS when NEWSROOM_HTTPS is on.
    """
    if settings.NEWSROOM_BASE_URL:
        return settings.NEWSROOM_BASE_URL
    host = next(
        (h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))),
        "localhost",
    )
    scheme = "https" if settings.NEWSROOM_HTTPS else "http"
    if not settings.DEBUG:
        logger.warning(
            "NEWSROOM_BASE_URL is not set; e-mail links use %s://%s", scheme, host
        )
    return f"{scheme}://{host}"
