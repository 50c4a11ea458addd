"""The site's middleware (newsroom/middleware.py), each rule at its edge, called directly.

Written for the mutants that survived ``make mutants`` (docs/mutants.md).
"""

import logging

import pytest
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory

from newsroom.middleware import (
    DatabaseOutageMiddleware,
    PermissionsPolicyMiddleware,
    PublicPageMiddleware,
    RequestGuardMiddleware,
)


def _ok(request):
    return HttpResponse("the page")


def _guarded(request):
    return RequestGuardMiddleware(_ok)(request)


def _title(response) -> str:
    html = response.content.decode()
    return html[html.index("<title>") + 7 : html.index("</title>")]


# Malformed requests


def test_a_request_without_a_query_string_is_served():
    request = RequestFactory().get("/")
    del request.META["QUERY_STRING"]  # WSGI servers may leave it out
    assert _guarded(request).content == b"the page"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [("/a%00b", ""), ("/", "q=a\x00b"), ("/", "q=a%00b")],
    ids=["path", "raw-query", "encoded-query"],
)
def test_a_nul_anywhere_in_the_address_gets_the_400_page(path, query):
    request = RequestFactory().get(path)
    request.META["QUERY_STRING"] = query
    response = _guarded(request)
    assert response.status_code == 400
    assert _title(response) == "Bad request | Newsroom"


@pytest.mark.django_db
def test_a_garbled_content_length_gets_the_400_page():
    request = RequestFactory().post("/", data="x", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = "ten"
    response = _guarded(request)
    assert response.status_code == 400
    assert _title(response) == "Bad request | Newsroom"


@pytest.mark.django_db
def test_a_body_up_to_the_limit_is_accepted_and_one_byte_more_refused(settings):
    settings.NEWSROOM_MAX_REQUEST_BYTES = 100
    at_limit = RequestFactory().post("/", data="x" * 100, content_type="text/plain")
    assert _guarded(at_limit).content == b"the page"
    over = RequestFactory().post("/", data="x" * 101, content_type="text/plain")
    response = _guarded(over)
    assert response.status_code == 413
    assert _title(response) == "Too large | Newsroom"


def test_a_site_that_accepts_no_request_bodies_still_serves_its_pages(settings):
    settings.NEWSROOM_MAX_REQUEST_BYTES = 0
    request = RequestFactory().get("/")
    request.META.pop("CONTENT_LENGTH", None)
    assert _guarded(request).content == b"the page"


def test_cookies_with_a_nul_byte_are_ignored_and_the_others_kept():
    def cookies_seen(request):
        return HttpResponse(" ".join(sorted(request.COOKIES)))

    request = RequestFactory().get("/")
    request.COOKIES = {
        "theme": "dark",
        "bad\x00name": "1",
        "sessionid": "abc\x00def",
        "lang": "en",
    }
    response = RequestGuardMiddleware(cookies_seen)(request)
    assert response.content == b"lang theme"


@pytest.mark.django_db
def test_a_refused_request_never_reaches_the_view():
    seen = []

    def view(request):
        seen.append(request)
        return HttpResponse("the page")

    response = RequestGuardMiddleware(view)(RequestFactory().get("/a%00b"))
    assert response.status_code == 400
    assert seen == []


# Permissions-Policy


def test_every_response_carries_the_permissions_policy(settings):
    settings.NEWSROOM_PERMISSIONS_POLICY = "camera=(), geolocation=()"
    response = PermissionsPolicyMiddleware(_ok)(RequestFactory().get("/"))
    assert response.headers["Permissions-Policy"] == "camera=(), geolocation=()"


def test_without_a_policy_setting_no_permissions_policy_is_sent(settings):
    settings.NEWSROOM_PERMISSIONS_POLICY = ""
    response = PermissionsPolicyMiddleware(_ok)(RequestFactory().get("/"))
    assert not response.has_header("Permissions-Policy")
    assert response.content == b"the page"


def test_the_permissions_policy_goes_out_spelt_as_usual(settings):
    settings.NEWSROOM_PERMISSIONS_POLICY = "camera=()"
    response = PermissionsPolicyMiddleware(_ok)(RequestFactory().get("/"))
    assert b"\r\nPermissions-Policy: camera=()" in response.serialize_headers()


def test_a_page_with_its_own_permissions_policy_keeps_it(settings):
    def own_policy(request):
        response = HttpResponse()
        response["Permissions-Policy"] = "fullscreen=(self)"
        return response

    response = PermissionsPolicyMiddleware(own_policy)(RequestFactory().get("/"))
    assert response.headers["Permissions-Policy"] == "fullscreen=(self)"


# Database outages


def test_an_ordinary_server_error_is_left_alone():
    def broken(request):
        return HttpResponseServerError("an ordinary error")

    response = DatabaseOutageMiddleware(broken)(RequestFactory().get("/"))
    assert (response.status_code, response.content) == (500, b"an ordinary error")


def test_a_database_outage_is_logged_with_its_cause(caplog):
    request = RequestFactory().get("/news/")
    middleware = DatabaseOutageMiddleware(_ok)
    with caplog.at_level(logging.WARNING, logger="newsroom.unavailable"):
        response = middleware.process_exception(
            request, OperationalError("connection refused\nsecond line")
        )
    assert response.status_code == 503
    assert _title(response) == "Back shortly | Newsroom"  # the page, not its fallback
    assert caplog.messages == [
        "Database unavailable; 503 for GET /news/: OperationalError: connection refused"
    ]


# Public pages


def _public(cache_control="public, max-age=60", vary=None):
    def view(request):
        response = HttpResponse("shared page")
        response["Cache-Control"] = cache_control
        if vary is not None:
            response["Vary"] = vary
        response.set_cookie("sessionid", "", max_age=0)  # a session deletion
        return response

    return PublicPageMiddleware(view)(RequestFactory().get("/"))


@pytest.mark.parametrize(
    ("vary", "kept"),
    [
        ("Cookie", None),
        ("Accept-Encoding, Cookie", "Accept-Encoding"),
        (
            "cookie,Accept-Encoding, , Accept-Language",
            "Accept-Encoding, Accept-Language",
        ),
    ],
    ids=["cookie-only", "cookie-last", "cookie-first-and-gaps"],
)
def test_a_public_page_varies_by_nothing_but_what_it_must(vary, kept):
    response = _public(vary=vary)
    assert response.get("Vary") == kept
    assert not response.cookies


def test_a_shortened_vary_goes_out_spelt_as_usual():
    response = _public(vary="Accept-Encoding, Cookie")
    assert b"\r\nVary: Accept-Encoding" in response.serialize_headers()


def test_public_is_read_wherever_it_stands_in_cache_control():
    response = _public(cache_control="max-age=60, public", vary="Cookie")
    assert not response.has_header("Vary")
    assert not response.cookies


def test_a_private_page_keeps_its_cookies_and_vary():
    response = _public(cache_control="private, no-cache", vary="Cookie")
    assert response["Vary"] == "Cookie"
    assert "sessionid" in response.cookies


@pytest.mark.django_db
def test_a_server_error_caused_by_the_database_becomes_the_503_page():
    def failed(request):
        request.database_failed = True
        return HttpResponseServerError("a 500 from further in")

    response = DatabaseOutageMiddleware(failed)(RequestFactory().get("/"))
    assert response.status_code == 503
    assert _title(response) == "Back shortly | Newsroom"
