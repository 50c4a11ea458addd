from django.urls import path

from articles.feeds import atom
from newsroom.caching import public_page

from .feeds import ArticleCommentsFeed

app_name = "comments"

# Mounted under /feeds/articles/<pk>/comments/ by the project's URLs.
urlpatterns = [
    path("", public_page(query=())(ArticleCommentsFeed()), name="feed"),
    path("atom/", public_page(query=())(atom(ArticleCommentsFeed)()), name="feed-atom"),
]
