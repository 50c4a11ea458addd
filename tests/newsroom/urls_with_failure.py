"""The site's URLs plus one view that always fails, to exercise the 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("simulated failure")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
