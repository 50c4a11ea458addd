import threading

import pytest
from django.db import connection
from django.test import Client

from tests.factories import make_article


@pytest.mark.django_db
def test_health_reports_database_and_cache(anon):
    response = anon.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == ["ok", "database: ok", "cache: ok"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_fails_when_the_cache_is_unreachable(anon, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = anon.get("/healthz")
    assert response.status_code == 503
    assert "cache: error" in response.content.decode()
    assert "database: ok" in response.content.decode()


@pytest.mark.django_db
def test_pages_still_render_when_the_cache_is_down(anon, settings):
    article = make_article(title="Still readable")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    for url in ("/", article.get_absolute_url(), article.category.get_absolute_url()):
        response = anon.get(url)
        assert response.status_code == 200
        assert "Still readable" in response.content.decode()
        assert "private" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_probes_do_not_report_each_other_as_failures():
    # Load balancers probe every server often; with a shared cache the probes
    # must not overwrite each other's test value.
    failures = []

    def probe() -> None:
        client = Client()
        try:
            for _ in range(25):
                response = client.get("/healthz")
                if response.status_code != 200:
                    failures.append(response.content.decode())
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=probe) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
