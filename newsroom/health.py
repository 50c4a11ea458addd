"""/healthz: is this app server able to reach its database and cache?

Load balancers probe it over plain HTTP (it is exempt from the HTTPS
redirect). Each check is bounded by the same short timeouts as readers'
requests, so a stalled service makes the probe answer 503 within seconds,
naming what is down, rather than hang.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# Words in an error's message that say how a service failed, and the one
# reported; the message itself (host names, ports) is not shown.
_REASONS = (
    (
        ("timeout", "timed out", "did not answer", "couldn't get a connection"),
        "timed out",
    ),
    (("refused",), "refused"),
    (("locked",), "locked"),
    (("unable to open",), "cannot open"),
)


def _describe(error: Exception) -> str:
    message = str(error).lower()
    for words, reason in _REASONS:
        if any(word in message for word in words):
            return f"{type(error).__name__}: {reason}"
    return type(error).__name__


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
            lines.append(f"{name}: error ({_describe(error)})")
    body = ("ok" if healthy else "unhealthy") + "\n" + "\n".join(lines) + "\n"
    response = HttpResponse(
        body, status=200 if healthy else 503, content_type="text/plain; charset=utf-8"
    )
    if not healthy:
        logger.warning("Health check failed: %s", "; ".join(lines))
        response._has_been_logged = True  # one warning, not an error per probe
    return response
