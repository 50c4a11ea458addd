import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_pages_send_security_headers(anon):
    response = anon.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=%00", "page=1%00", "x=a%00b"])
def test_nul_bytes_in_the_address_are_refused(anon, query):
    response = anon.get(f"/?{query}")
    assert response.status_code == 400
    assert "couldn’t understand" in response.content.decode()


@pytest.mark.django_db
def test_oversized_request_bodies_are_refused_before_reading(anon, settings):
    settings.NEWSROOM_MAX_REQUEST_BYTES = 1000
    response = anon.post("/", data="x" * 5000, content_type="text/plain")
    assert response.status_code == 413
    assert "too large" in response.content.decode()


@pytest.mark.django_db
def test_unknown_host_is_a_bad_request():
    client = Client(raise_request_exception=False)
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_reading_pages_refuse_writes_with_405(method):
    client = Client(enforce_csrf_checks=True)
    for url in ("/", "/search/?q=x", "/feeds/latest/", "/sitemap.xml"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_options_lists_the_allowed_methods(anon):
    response = anon.options("/")
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


@pytest.mark.django_db
def test_cookies_with_nul_bytes_are_ignored(anon, editor):
    anon.cookies["sessionid"] = "abcdefgh\x00"
    for url in ("/", reverse("admin:login"), "/preview/articles/1/"):
        assert anon.get(url).status_code in (200, 302), url
