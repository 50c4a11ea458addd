"""Protections around posting: origin checks, client address, rate limits."""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from newsroom.caching import CACHE_ERRORS

logger = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/m"`` → (5, 60); ``"20/10m"`` → (20, 600)."""
    match = _RATE.match(rate)
    if not match or int(match[1]) < 1:
        raise ImproperlyConfigured(
            f"NEWSROOM_COMMENT_RATE must look like 5/m or 20/h, not {rate!r}."
        )
    count, multiplier, unit = int(match[1]), int(match[2] or 1), match[3].lower()
    return count, max(1, multiplier) * _UNIT_SECONDS[unit]


def client_ip(request: HttpRequest) -> str | None:
    """The reader's address: from the proxy's header only when the operator trusts one.

    IPv4 addresses written in IPv6 form (``::ffff:1.2.3.4``) come back as
    IPv4, so one reader has one spelling; addresses with a zone (``fe80::1%x``)
    are not addresses on the public internet and count as none.
    """
    raw = request.META.get(
        "REMOTE_ADDR",
        "",  # pragma: no mutate
    )
    header = settings.NEWSROOM_CLIENT_IP_HEADER
    if header:
        meta_name = "HTTP_" + header.upper().replace("-", "_")
        forwarded = request.META.get(meta_name, "")
        # The trusted proxy appends the address it saw: the last entry.
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if entries:
            raw = entries[-1]
    raw = raw.strip()
    if "%" in raw:
        return None
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def address_group(address: str | None) -> str | None:
    """Who is behind an address, as far as limits and bans can tell.

    An IPv4 address is one reader; an IPv6 reader usually holds a whole /64
    network and can pick a fresh address from it for every request, so the
    /64 is what rate limits, report counts and bans look at.
    """
    if not address:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(
            ipaddress.ip_network(
                f"{parsed}/64",
                strict=False,  # pragma: no mutate
            )
        )
    return str(parsed)


def _allowed_origins(request: HttpRequest) -> set[str]:
    origins = {f"{request.scheme}://{request.get_host()}".lower()}
    if settings.NEWSROOM_BASE_URL:
        base = urlsplit(settings.NEWSROOM_BASE_URL)
        origins.add(f"{base.scheme}://{base.netloc}".lower())
    origins.update(origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS)
    return origins


def request_origin_verdict(request: HttpRequest) -> bool | None:
    """Did this POST come from one of our own pages?

    True: the browser says so (Fetch Metadata ``Sec-Fetch-Site: same-origin``,
    or an ``Origin`` header naming this site). False: it says the request
    came from elsewhere. None: it says nothing (an old browser or a script),
    and the caller falls back to a CSRF token.
    """
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site is not None:
        # "same-site" includes sibling subdomains, which we do not trust.
        return site == "same-origin"
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.lower() in _allowed_origins(request)
    return None


def rate_limited(*identities: str | None) -> int:
    """Count one post against each identity; seconds to wait if any is over the limit.

    Fixed windows kept in the shared cache, so the limit holds across every
    worker and server. If the cache is down, posting is not blocked.
    """
    limit, period = parse_rate(settings.NEWSROOM_COMMENT_RATE)
    now = time.time()
    window = int(now // period)  # pragma: no mutate
    wait = 0
    for identity in identities:
        if not identity:
            continue
        key = f"comments:rate:{identity}:{window}"
        try:
            cache.add(
                key,
                0,
                period + 5,  # pragma: no mutate
            )
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            continue
        except CACHE_ERRORS:
            logger.warning("Cache unreachable; comment rate limits not applied")
            return 0
        if count > limit:
            wait = max(wait, int((window + 1) * period - now) + 1)
    return wait
