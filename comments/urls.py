from django.urls import path

from newsroom.caching import public_page
from newsroom.syndication import atom

from . import mail_views, pages, reports, views
from .feeds import ArticleCommentsFeed

app_name = "comments"

# Mounted at the site's root by the project's URLs.
urlpatterns = [
    path(
        "feeds/articles/<int:pk>/comments/",
        public_page(query=())(ArticleCommentsFeed()),
        name="feed",
    ),
    path(
        "feeds/articles/<int:pk>/comments/atom/",
        public_page(query=())(atom(ArticleCommentsFeed)()),
        name="feed-atom",
    ),
    path("comments/articles/<int:article_pk>/", pages.article_comments, name="list"),
    path("comments/articles/<int:article_pk>/post/", views.post_comment, name="post"),
    path("comments/session/", views.session, name="session"),
    path("comments/posted/<str:token>/", views.posted, name="posted"),
    path("comments/<int:pk>/", pages.thread, name="thread"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/report/", reports.report_comment, name="report"),
    path(
        "comments/email/confirm/<str:token>/",
        mail_views.confirm,
        name="confirm-email",
    ),
    path(
        "comments/email/unsubscribe/<str:token>/",
        mail_views.unsubscribe,
        name="unsubscribe",
    ),
]
