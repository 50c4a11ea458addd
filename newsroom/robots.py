from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Pages that are private, per-visitor or endless for a crawler.
DISALLOWED = ("/admin/", "/preview/", "/search/")


@require_safe
@cache_control(public=True, max_age=60 * 60)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read everything public; they are pointed at both sitemaps."""
    base = settings.NEWSROOM_BASE_URL or f"{request.scheme}://{request.get_host()}"
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {base}{reverse('sitemap-index')}",
        f"Sitemap: {base}{reverse('news-sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
