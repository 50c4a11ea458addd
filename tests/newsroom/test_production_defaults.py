"""Production defaults, checked on a real gunicorn started with nothing but the essentials.

With DJANGO_DEBUG off, HTTPS is on unless NEWSROOM_HTTPS=0 says otherwise;
HSTS covers the site's own host only unless subdomains or preload are asked
for; /healthz answers over plain HTTP; every page sends Permissions-Policy;
a public page never sets a cookie, even for a malformed session cookie; and
the page cache is keyed on the configured base URL, so neither a forwarded
scheme nor a port splits it or reaches a canonical link.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import make_article
from tests.servers import Server, gunicorn
from tests.subprocesses import manage

from .outages import Answer, SiteTemplate, fetch, redis_url

# Real gunicorn servers: run by make test-slow.
pytestmark = pytest.mark.slow

BASE_URL = "https://news.example"
HTTPS = {"Host": "news.example", "X-Forwarded-Proto": "https"}
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


def _canonical(answer: Answer) -> str:
    found = _CANONICAL.search(answer.text)
    assert found, answer.text[:500]
    return found[1]


# Settings, as manage.py sees them -------------------------------------------------

_SHOW = (
    "from django.conf import settings as s; print(s.NEWSROOM_HTTPS, "
    "getattr(s, 'SECURE_SSL_REDIRECT', False), getattr(s, 'SECURE_HSTS_SECONDS', 0), "
    "getattr(s, 'SECURE_HSTS_INCLUDE_SUBDOMAINS', False), "
    "getattr(s, 'SECURE_HSTS_PRELOAD', False), "
    "getattr(s, 'SESSION_COOKIE_SECURE', False), getattr(s, 'CSRF_COOKIE_SECURE', False))"
)


def _https_settings(**env: str) -> str:
    result = manage("shell", "-v", "0", "-c", _SHOW, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_https_is_on_in_production_unless_switched_off():
    assert _https_settings() == "True True 31536000 False False True True"
    assert (
        _https_settings(NEWSROOM_HTTPS="0") == "False False 0 False False False False"
    )
    assert _https_settings(DJANGO_DEBUG="1") == "False False 0 False False False False"
    # Subdomains and preload are the operator's choice, one at a time.
    assert (
        _https_settings(NEWSROOM_HSTS_INCLUDE_SUBDOMAINS="1", NEWSROOM_HSTS_PRELOAD="1")
        == "True True 31536000 True True True True"
    )


def test_deploy_check_passes_with_just_a_secret_key_and_allowed_hosts():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="news.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_https_is_switched_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="news.example",
        NEWSROOM_HTTPS="0",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


# A real gunicorn ---------------------------------------------------------------


@dataclass
class Sites:
    defaults: Server  # production defaults, HTTPS redirect included
    proxied: Server  # the proxy redirects to HTTPS itself (NEWSROOM_SSL_REDIRECT=0)
    articles: list[dict]


@pytest.fixture(scope="module")
def sites(
    site_template: SiteTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sites]:
    tmp = tmp_path_factory.mktemp("production-defaults")
    with site_template.copy(tmp / "db") as copy:
        url = site_template.url_for(copy)
        # Only what production needs: a key, the hosts, where the data is,
        # and the site's address (recommended, and it keys the page cache).
        env = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "news.example,127.0.0.1",
            "DATABASE_URL": url,
            "NEWSROOM_STATIC_ROOT": str(site_template.static_root),
            "NEWSROOM_BASE_URL": BASE_URL,
            "NEWSROOM_LOG_LEVEL": "WARNING",
        }
        if redis := redis_url():
            env["REDIS_URL"] = redis
        (tmp / "a").mkdir()
        (tmp / "b").mkdir()
        with (
            gunicorn(
                {**env, "NEWSROOM_CACHE_PREFIX": f"newsroom-defaults-{tmp.name}"},
                log_dir=tmp / "a",
                workers=1,
                threads=2,
                plain_http=False,
            ) as defaults,
            gunicorn(
                {
                    **env,
                    "NEWSROOM_CACHE_PREFIX": f"newsroom-proxied-{tmp.name}",
                    "NEWSROOM_SSL_REDIRECT": "0",
                    "NEWSROOM_BEHIND_PROXY": "1",
                },
                log_dir=tmp / "b",
                workers=1,
                threads=2,
                plain_http=False,
            ) as proxied,
        ):
            yield Sites(defaults, proxied, site_template.articles)


def test_plain_http_is_redirected_to_https(sites: Sites):
    answer = fetch(
        sites.defaults, "/harbour/?utm_source=x", headers={"Host": "news.example"}
    )
    assert answer.status == 301
    assert answer.header("Location") == "https://news.example/harbour/?utm_source=x"
    assert not answer.cookies


def test_healthz_answers_over_plain_http(sites: Sites):
    answer = fetch(sites.defaults, "/healthz", headers={"Host": "news.example"})
    assert answer.status == 200
    assert answer.text.splitlines()[0] == "ok"
    assert answer.header("Strict-Transport-Security") is None  # not over HTTP


def test_https_pages_send_hsts_for_the_host_only_and_permissions_policy(sites: Sites):
    answer = fetch(sites.defaults, "/", headers=HTTPS)
    assert answer.status == 200
    assert answer.header("Strict-Transport-Security") == "max-age=31536000"
    policy = answer.header("Permissions-Policy")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    # Redirects and health probes carry it too.
    assert fetch(sites.defaults, "/").header("Permissions-Policy") == policy
    assert fetch(sites.defaults, "/healthz").header("Permissions-Policy") == policy


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=%%%not-a-session",  # not a session key at all
        "sessionid=abc",  # too short to be one
        f"sessionid={'z' * 32}",  # well-formed, but no such session
        'sessionid="unterminated',
    ],
)
def test_a_malformed_session_cookie_never_gets_a_set_cookie_on_public_pages(
    sites: Sites, cookie: str
):
    for article in sites.articles[:2]:
        for _ in range(2):  # rendered, then from the cache
            answer = fetch(
                sites.defaults, article["path"], headers={**HTTPS, "Cookie": cookie}
            )
            assert answer.status == 200
            assert "public" in answer.header("Cache-Control")
            assert answer.cookies == []
            assert "cookie" not in (answer.header("Vary") or "").lower()


@pytest.mark.parametrize("server", ["defaults", "proxied"])
def test_neither_forwarded_scheme_nor_port_splits_the_cache(sites: Sites, server: str):
    site: Server = getattr(sites, server)
    path = sites.articles[3]["path"]
    variants = [
        HTTPS,
        {"Host": "news.example:8443", "X-Forwarded-Proto": "https"},
        {
            "Host": f"127.0.0.1:{site.url.rsplit(':', 1)[1]}",
            "X-Forwarded-Proto": "https",
        },
        {"Host": "news.example", "X-Forwarded-Ssl": "on"},
    ]
    if server == "proxied":
        # The proxy, not the site, redirects plain HTTP: any scheme reaches it.
        variants += [
            {"Host": "news.example"},
            {"Host": "news.example", "X-Forwarded-Proto": "http"},
            {"Host": "news.example:8080", "X-Forwarded-Proto": "http"},
            {"Host": "news.example", "X-Forwarded-Host": "news.example:8443"},
        ]
    answers = [fetch(site, path, headers=headers) for headers in variants]
    assert [a.status for a in answers] == [200] * len(variants)
    assert [a.header("X-Cache") for a in answers] == ["miss"] + ["hit"] * (
        len(variants) - 1
    )
    assert {_canonical(a) for a in answers} == {BASE_URL + path}
    assert len({a.body for a in answers}) == 1


# Without a base URL the request's own scheme and host key the cache ---------------


@pytest.mark.django_db
def test_without_a_base_url_no_copy_reaches_another_scheme_or_port(settings):
    settings.NEWSROOM_BASE_URL = ""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    article = make_article()
    path = article.get_absolute_url()
    client = Client()
    requests = [
        ({"HTTP_X_FORWARDED_PROTO": "https"}, "https://testserver"),
        ({}, "http://testserver"),
        ({"HTTP_HOST": "testserver:8080"}, "http://testserver:8080"),
        ({"HTTP_X_FORWARDED_PROTO": "https"}, "https://testserver"),
    ]
    for headers, root in requests:
        response = client.get(path, **{"HTTP_HOST": "testserver", **headers})
        found = _CANONICAL.search(response.content.decode())
        assert found and found[1] == root + path, (headers, found and found[1])
    # Each copy was made once and then served to its own kind of request only.
    assert response["X-Cache"] == "hit"
