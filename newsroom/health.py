"""/healthz: is this app server able to reach its database and cache?"""

import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    # A key of its own per probe: concurrent probes must not overwrite each other.
    token = secrets.token_hex(8)
    key = f"healthz:probe:{token}"
    cache.set(key, token, 10)
    try:
        if cache.get(key) != token:
            raise RuntimeError("value written was not read back")
    finally:
        cache.delete(key)
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Plain-text report; 200 when every part answers, 503 otherwise (for load balancers)."""
    lines, healthy = [], True
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            lines.append(f"{name}: {check()}")
        except Exception as error:  # noqa: BLE001 - any failure means "unhealthy"
            healthy = False
            lines.append(f"{name}: error ({type(error).__name__})")
    body = ("ok" if healthy else "unhealthy") + "\n" + "\n".join(lines) + "\n"
    return HttpResponse(
        body, status=200 if healthy else 503, content_type="text/plain; charset=utf-8"
    )
