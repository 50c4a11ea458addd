"""The page a review link opens: one unpublished article, as readers would see it.

Nothing of it is kept by a cache or a proxy, or indexed: the answer is
private and never stored, carries ``X-Robots-Tag: noindex`` and sends no
referrer, so the token does not travel on. An unknown or altered token is a
404; a link that expired or was revoked says so with a 410. Once the article
is published the link leads to its public page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from . import structured_data
from .models import Article
from .reading import ArticleLayout
from .sharing import check_token


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # private, no-store: no cache keeps it
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def shared_article(request: HttpRequest, token: str) -> HttpResponse:
    verdict = check_token(token)
    if verdict.state == "unknown":
        raise Http404("No such review link.")
    if not verdict.is_open:
        return _private(
            render(
                request,
                "articles/share_link_closed.html",
                {"state": verdict.state},
                status=410,
            )
        )
    article = Article.objects.for_detail().filter(pk=verdict.link.article_id).first()
    if article is None:
        raise Http404("No such review link.")
    if article.is_public:
        return _private(HttpResponseRedirect(article.get_absolute_url()))
    layout = ArticleLayout(article)
    crumbs = [
        ("Home", reverse("articles:home")),
        (article.category.name, article.category.get_absolute_url()),
        (article.title, ""),
    ]
    response = render(
        request,
        "articles/shared_article.html",
        {
            "article": article,
            "layout": layout,
            "share_link": verdict.link,
            "related": [],
            "is_preview": False,
            "current_category_id": article.category_id,
            "article_ld": structured_data.news_article(request, article),
            "faq_ld": structured_data.faq_page(layout.faq_items),
            "breadcrumbs": crumbs,
        },
    )
    return _private(response)
