"""Database errors anywhere in a request become the 503 page, never a 500.

The gunicorn tests (test_database_outages.py) fail real databases; these
raise the errors directly, where a real outage cannot be placed as exactly.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from psycopg_pool import PoolTimeout

from tests.factories import make_category

ERRORS = {
    "operational": OperationalError("database is locked"),
    "interface": InterfaceError("connection already closed"),
    "pool": PoolTimeout("couldn't get a connection after 3.00 sec"),
    "psycopg": psycopg.OperationalError("server closed the connection unexpectedly"),
}


def failing_view(request, kind: str):
    raise ERRORS[kind]


def other_failure(request):
    raise ValueError("not the database")


urlpatterns = [
    path("down/<str:kind>/", failing_view),
    path("broken/", other_failure),
    path("", include("newsroom.urls")),
]


class FailingInnerMiddleware:
    """Stands for a middleware inside the outage middleware that hits the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path == "/session-save-fails/":
            raise OperationalError("could not save the session")
        return response


pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def _assert_503_page(response: HttpResponse) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "We’ll be back shortly" in html
    assert 'class="site-header"' in html  # the site's own design


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_database_errors_in_views_get_the_503_page(kind):
    client = Client(raise_request_exception=False)
    _assert_503_page(client.get(f"/down/{kind}/"))


def test_a_database_error_in_a_middleware_gets_the_503_page(settings):
    position = settings.MIDDLEWARE.index("newsroom.middleware.DatabaseOutageMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: position + 1],
        f"{__name__}.FailingInnerMiddleware",
        *settings.MIDDLEWARE[position + 1 :],
    ]
    client = Client(raise_request_exception=False)
    _assert_503_page(client.get("/session-save-fails/"))


def test_other_errors_still_get_the_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_503_page_never_asks_the_database(django_assert_num_queries):
    make_category(name="Harbour", is_in_navigation=True)
    client = Client(raise_request_exception=False)

    def refuse(execute, sql, params, many, context):
        raise OperationalError("the database is down")

    with connection.execute_wrapper(refuse), django_assert_num_queries(0):
        response = client.get("/down/operational/")
    _assert_503_page(response)
    assert "Harbour" not in response.content.decode()  # the menu is left out
