"""Refuse malformed requests cheaply, before any view or database sees them."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _error_page(request: HttpRequest, status: int, template: str) -> HttpResponse:
    return HttpResponse(render_to_string(template, request=request), status=status)


class RequestGuardMiddleware:
    """400 for NUL bytes in the address (databases reject them in queries);
    413 for request bodies larger than NEWSROOM_MAX_REQUEST_BYTES; cookies
    with NUL bytes are ignored, as if the browser had not sent them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
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
