"""The 503 page: what readers see while the database is down, stalled or too slow.

It is rendered from templates/503.html in the site's own design, but with a
template engine whose ``category_nav`` tag leaves the menu out: the menu comes
from the database, and nothing on this page may wait for it again. It carries
``Retry-After`` and is never cached.
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import Any

import psycopg
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import Engine, RequestContext, engines
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# What a database that cannot answer raises: Django's wrappers, and psycopg's
# own (its pool's timeout among them) should one escape unwrapped.
DATABASE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# Seconds a reader (or a crawler) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30

_FALLBACK = (
    '<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8">'
    '<meta name="robots" content="noindex"><title>Back shortly</title></head>'
    "<body><h1>We’ll be back shortly</h1><p>Our site is having trouble "
    "right now. Please try again in a minute.</p></body></html>\n"
)


def log_outage(request: HttpRequest, error: BaseException) -> None:
    # One line, no traceback: during an outage every request would log one.
    logger.warning(
        "Database unavailable; 503 for %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        str(error).splitlines()[0] if str(error) else "",
    )


@cache
def _engine() -> Engine:
    """The site's template engine, with a menu that never asks the database."""
    site = engines["django"].engine
    return Engine(
        dirs=site.dirs,
        loaders=site.loaders,
        context_processors=site.context_processors,
        debug=site.debug,
        libraries={**site.libraries, "articles_tags": "newsroom.offline_tags"},
        builtins=[
            name for name in site.builtins if name not in Engine.default_builtins
        ],
        string_if_invalid=site.string_if_invalid,
        file_charset=site.file_charset,
        autoescape=site.autoescape,
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, with Retry-After; never stored by any cache."""
    try:
        template = _engine().get_template("503.html")
        content = template.render(RequestContext(request))
    except Exception:  # the page for an outage must not fail itself
        logger.exception("Could not render the 503 page")
        content = _FALLBACK
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged once already, as a warning with its cause (log_outage).
    response._has_been_logged = True
    return response


def _note_database_failure(
    sender: Any, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Mark a request whose unhandled error was the database's (see DatabaseOutageMiddleware)."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request.database_failed = True
        log_outage(request, error)


got_request_exception.connect(
    _note_database_failure, dispatch_uid="newsroom-note-database-failure"
)
