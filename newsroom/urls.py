from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.sitemaps import news_sitemap, sitemap_index, sitemap_section

from . import admin_guard, health, robots
from .caching import public_page

admin.site.site_header = f"{settings.NEWSROOM_SITE_NAME} administration"
admin.site.site_title = settings.NEWSROOM_SITE_NAME
admin.site.index_title = "Newsroom desk"
admin_guard.configure_site(admin.site)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", robots.robots_txt, name="robots-txt"),
    path("sitemap.xml", public_page(query=())(sitemap_index), name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        public_page(query=("p",))(sitemap_section),
        name="sitemap-section",
    ),
    path("news-sitemap.xml", public_page(query=())(news_sitemap), name="news-sitemap"),
    path("feeds/", include("articles.feed_urls")),
    # The desk (NEWSROOM_ADMIN_PATH, admin/ unless set): before the public
    # pages, so no category can take its address.
    path(settings.NEWSROOM_ADMIN_PATH, admin.site.urls),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns = (
        static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
    )
