from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .site import site_root

# Pages that are private, per-visitor or endless for a crawler; the desk's
# own address (NEWSROOM_ADMIN_PATH) comes first.
DISALLOWED = ("/preview/", "/search/")


@require_safe
@cache_control(public=True, max_age=60 * 60)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read everything public; they are pointed at both sitemaps."""
    base = site_root(request)
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in (reverse("admin:index"), *DISALLOWED)),
        "",
        f"Sitemap: {base}{reverse('sitemap-index')}",
        f"Sitemap: {base}{reverse('news-sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
