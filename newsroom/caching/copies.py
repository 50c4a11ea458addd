"""A stored copy of a page, and the response made from it.

The copy keeps its body compressed once, with gzip and (with the Brotli
package) brotli, so a hit costs no compression; a reader whose browser takes
neither gets the gzip body inflated. Small bodies and types that do not shrink
are kept as they are. Only public copies are ever compressed: they carry no
secret (no CSRF token, no session), so a reflected query on the same page
gives a compression side channel such as BREACH nothing to find.

The response names its validators (a weak ETag of the uncompressed body, and
Last-Modified), answers a conditional request with 304, varies by
Accept-Encoding only, and lists its cache tags for proxies and CDNs that can
purge by tag (Surrogate-Key, Cache-Tag).
"""

from __future__ import annotations

import gzip
import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

try:
    import brotli
except ImportError:  # optional: gzip alone then
    brotli = None

# Headers that describe the page itself and so are kept with the copy.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")
# Smaller bodies gain nothing from compression.
MIN_COMPRESSED_BYTES = 256
_TEXT_TYPES = ("text/", "application/xml", "application/rss+xml")
_OTHER_TEXT_TYPES = ("application/atom+xml", "application/json", "application/ld+json")
# Fast settings: compression happens once per render, on the render's time.
GZIP_LEVEL = 6
BROTLI_QUALITY = 5


def is_compressible(content_type: str, size: int) -> bool:
    return size >= MIN_COMPRESSED_BYTES and content_type.lower().startswith(
        _TEXT_TYPES + _OTHER_TEXT_TYPES
    )


def make_copy(
    response: HttpResponse, tags: dict[str, str], now: float, fresh_for: float
) -> dict:
    """What is stored of a rendered page; ``fresh_for`` seconds before it is stale."""
    content = response.content
    headers = {
        name: response[name] for name in KEPT_HEADERS if response.has_header(name)
    }
    modified = parse_http_date_safe(
        response.get("Last-Modified", "")  # pragma: no mutate
    )
    if is_compressible(
        headers.get(
            "Content-Type",
            "",  # pragma: no mutate
        ),
        len(content),
    ):
        bodies = {"gzip": gzip.compress(content, GZIP_LEVEL, mtime=0)}
        if brotli is not None:
            bodies["br"] = brotli.compress(content, quality=BROTLI_QUALITY)
    else:
        bodies = {"identity": content}
    return {
        "status": response.status_code,
        "bodies": bodies,
        "headers": headers,
        "tags": tags,
        "etag": f'W/"{hashlib.sha256(content).hexdigest()[:32]}"',
        # The view's own (a sitemap's newest entry), else when it was rendered.
        "modified": modified if modified is not None else int(now),
        "stored_at": now,
        "fresh_until": now + fresh_for,
    }


def accepted_encodings(header: str) -> list[str]:
    """The codings of ours a client accepts (Accept-Encoding), best first."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        weight = 1.0  # pragma: no mutate
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    anything = weights.get("*", 0.0)
    return [
        coding
        for coding in ("br", "gzip")
        if weights.get(coding, anything) > 0 and (coding != "br" or brotli is not None)
    ]


def body_for(copy: dict, accept_encoding: str) -> tuple[bytes, str | None]:
    """The body to send and its Content-Encoding (None: not encoded)."""
    bodies = copy["bodies"]
    if "identity" in bodies:
        return bodies["identity"], None
    for coding in accepted_encodings(accept_encoding):
        if coding in bodies:
            return bodies[coding], coding
    return _inflated(copy["etag"], bodies["gzip"]), None


# Bodies inflated for clients that take no compression (tools, some robots),
# kept per process by ETag, which names the uncompressed body exactly.
_INFLATED: dict[str, bytes] = {}
_KEPT_INFLATED = 64
_KEPT_INFLATED_BYTES = 256 * 1024


def _inflated(etag: str, compressed: bytes) -> bytes:
    body = _INFLATED.get(etag)
    if body is None:
        body = gzip.decompress(compressed)
        if len(body) <= _KEPT_INFLATED_BYTES:
            if len(_INFLATED) >= _KEPT_INFLATED:
                _INFLATED.clear()
            _INFLATED[etag] = body
    return body


def respond(
    request: HttpRequest, copy: dict, outcome: str, ages: tuple[int, int]
) -> HttpResponse:
    """The copy as a response (or a 304); ``outcome`` is sent as X-Cache.

    ``ages`` are the max-age for browsers and the s-maxage for shared caches.
    A stale copy (served while another request renders) is not to be kept.
    Every hit passes here: the headers are written out directly, as Django's
    ``patch_*`` helpers would write them on a response that has none.
    """
    meta = request.META
    body, coding = body_for(
        copy,
        meta.get(
            "HTTP_ACCEPT_ENCODING",
            "",  # pragma: no mutate
        ),
    )
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        return _conditional(request, copy, body, coding, outcome, ages)
    return _from_copy(copy, body, coding, outcome, ages)


def _from_copy(
    copy: dict, body: bytes, coding: str | None, outcome: str, ages: tuple[int, int]
) -> HttpResponse:
    response = HttpResponse(body, status=copy["status"])
    headers = response.headers
    headers["Content-Length"] = str(len(body))
    for name, value in copy["headers"].items():
        headers[name] = value
    if coding is not None:
        headers["Content-Encoding"] = coding
    headers["Vary"] = "Accept-Encoding"
    headers["ETag"] = copy["etag"]
    headers["Last-Modified"] = http_date(copy["modified"])
    tags = sorted(copy["tags"])
    headers["Surrogate-Key"] = " ".join(tags)
    headers["Cache-Tag"] = ",".join(tags)
    if outcome == "stale":
        headers["Cache-Control"] = "public, max-age=0, s-maxage=0"
    else:
        browser, shared = ages
        headers["Cache-Control"] = (
            f"public, max-age={browser}, s-maxage={shared}, "
            f"stale-while-revalidate={settings.NEWSROOM_PAGE_STALE_SECONDS}"
        )
    headers["X-Cache"] = outcome
    return response


def _conditional(
    request: HttpRequest,
    copy: dict,
    body: bytes,
    coding: str | None,
    outcome: str,
    ages: tuple[int, int],
) -> HttpResponse:
    """A 304 when the client's copy is this one (ETag or Last-Modified)."""
    response = get_conditional_response(
        request,
        etag=copy["etag"],
        last_modified=copy["modified"],
        response=_from_copy(copy, body, coding, outcome, ages),
    )
    response["X-Cache"] = outcome
    return response
