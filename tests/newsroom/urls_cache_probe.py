"""Small public pages that exercise the page cache's rules directly."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from newsroom.caching import depends_on, public_page

renders = {"count": 0}


@public_page(query=())
def sets_a_cookie(request: HttpRequest) -> HttpResponse:
    renders["count"] += 1
    response = HttpResponse(f"render {renders['count']}")
    response.set_cookie("flavour", "oat")
    return response


@public_page(query=())
def uses_a_csrf_token(request: HttpRequest) -> HttpResponse:
    renders["count"] += 1
    return HttpResponse(f"token {get_token(request)[:4]}")


@public_page(query=())
def tagged(request: HttpRequest) -> HttpResponse:
    depends_on(request, "probe:1")
    renders["count"] += 1
    return HttpResponse(f"render {renders['count']}")


urlpatterns = [
    path("cookie/", sets_a_cookie),
    path("csrf/", uses_a_csrf_token),
    path("tagged/", tagged),
]
