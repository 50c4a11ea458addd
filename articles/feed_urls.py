from django.urls import path

from newsroom.caching import public_page
from newsroom.syndication import atom

from . import feeds
from .page_tags import FEEDS

app_name = "feeds"

urlpatterns = [
    path(
        "latest/",
        public_page(query=(), tags=(FEEDS,))(feeds.ArticleFeed()),
        name="latest",
    ),
    path(
        "latest/atom/",
        public_page(query=(), tags=(FEEDS,))(atom(feeds.ArticleFeed)()),
        name="latest-atom",
    ),
    path(
        "categories/<slug:slug>/",
        public_page(query=())(feeds.CategoryFeed()),
        name="category",
    ),
    path(
        "categories/<slug:slug>/atom/",
        public_page(query=())(atom(feeds.CategoryFeed)()),
        name="category-atom",
    ),
    path("tags/<str:slug>/", public_page(query=())(feeds.TagFeed()), name="tag"),
    path(
        "tags/<str:slug>/atom/",
        public_page(query=())(atom(feeds.TagFeed)()),
        name="tag-atom",
    ),
    path(
        "authors/<slug:slug>/", public_page(query=())(feeds.AuthorFeed()), name="author"
    ),
    path(
        "authors/<slug:slug>/atom/",
        public_page(query=())(atom(feeds.AuthorFeed)()),
        name="author-atom",
    ),
]
