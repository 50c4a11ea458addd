"""The site's own middleware.

Refuse malformed requests cheaply, before any view or database sees them;
answer a database outage with the 503 page; send fresh stored pages at once
and keep cookies off shared pages; and send the Permissions-Policy header.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from newsroom import unavailable
from newsroom.caching.pages import fresh_copy_response

# Separates the values of Cache-Control and Vary.
_LIST = re.compile(r"\s*,\s*")


def _error_page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    return HttpResponse(render_to_string(template, request=request), status=status)


class RequestGuardMiddleware:
    """400 for NUL bytes in the address (databases reject them in queries);
    413 for request bodies larger than NEWSROOM_MAX_REQUEST_BYTES; cookies
    with NUL bytes are ignored, as if the browser had not sent them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get(
            "QUERY_STRING",
            "",  # pragma: no mutate
        )
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            return _error_page(request, 400, "400.html")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error_page(request, 400, "400.html")
        if length > settings.NEWSROOM_MAX_REQUEST_BYTES:
            return _error_page(request, 413, "413.html")
        for name, value in list(request.COOKIES.items()):
            if "\x00" in name or "\x00" in value:
                del request.COOKIES[name]
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses (NEWSROOM_PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.NEWSROOM_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class DatabaseOutageMiddleware:
    """A database that is down, stalled or too slow gets readers the 503 page, never a 500.

    Errors raised by views and templates are answered here directly; one raised
    in a middleware further in (saving a session) has already become a 500
    response, which is replaced. Pages the cache still holds are served as
    usual: they need no database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(
            request,
            "database_failed",
            False,  # pragma: no mutate
        ):
            return unavailable.service_unavailable(request)  # pragma: no mutate
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, unavailable.DATABASE_ERRORS):
            return None
        unavailable.log_outage(request, exception)
        return unavailable.service_unavailable(request)  # pragma: no mutate


class PublicPageMiddleware:
    """Fresh stored pages served at once; no cookies on what a shared cache may keep.

    A fresh copy of a public page (newsroom.caching.public_page) is sent
    before sessions, CSRF, authentication and the URL resolver are reached:
    it is the same for every reader, and they add nothing to it.

    Public pages do not depend on who asks, but the session middleware would
    still answer a malformed or expired session cookie with a deletion, and
    ``Vary: Cookie``; on a page a CDN may store and hand to everyone, that
    must not happen.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = fresh_copy_response(request)
        if response is not None:
            return response
        response = self.get_response(request)
        if "public" in _LIST.split(
            response.get("Cache-Control", "")  # pragma: no mutate
        ):
            response.cookies.clear()
            if response.has_header("Vary"):  # pragma: no mutate
                kept = [
                    value
                    for value in _LIST.split(response["Vary"])  # pragma: no mutate
                    if value and value.lower() != "cookie"
                ]
                if kept:
                    response["Vary"] = ", ".join(kept)
                else:
                    del response["Vary"]  # pragma: no mutate
        return response
