from django.urls import path

from . import search, share_views, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search, name="search"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("preview/articles/<int:pk>/", views.article_preview, name="preview"),
    path(
        "preview/articles/<int:pk>/pending/",
        views.article_pending_preview,
        name="pending-preview",
    ),
    # Under /preview/, which robots.txt keeps crawlers out of.
    path("preview/shared/<str:token>/", share_views.shared_article, name="shared"),
    path("<slug:slug>/", views.category_detail, name="category"),
    path("<slug:category_slug>/<slug:slug>/", views.article_detail, name="detail"),
]
