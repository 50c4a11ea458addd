"""schema.org data (JSON-LD) for search engines, built as plain dicts.

Templates print these with the ``json_ld`` filter, which escapes them safely
inside a ``<script type="application/ld+json">`` element.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from .markup import html_to_text
from .models import Article, Category, FaqItem


def absolute(request: HttpRequest, path: str) -> str:
    if settings.NEWSROOM_BASE_URL:
        return settings.NEWSROOM_BASE_URL + path
    return request.build_absolute_uri(path)


def publisher(request: HttpRequest) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute(request, reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(request, static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
    }


def website(request: HttpRequest) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute(request, reverse("articles:home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute(request, reverse("articles:search"))
            + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


def news_article(request: HttpRequest, article: Article) -> dict:
    url = absolute(request, article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title[:110],
        "articleSection": article.category.name,
        "inLanguage": settings.LANGUAGE_CODE,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute(request, byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": publisher(request),
    }
    if article.summary:
        data["description"] = article.summary
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
        data["dateModified"] = max(article.updated_at, article.published_at).isoformat()
    if article.dateline:
        data["dateline"] = article.dateline
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if article.lead_image:
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": absolute(request, article.lead_image.url),
                "width": article.lead_image_width,
                "height": article.lead_image_height,
                "caption": article.lead_image_caption or article.lead_image_alt,
            }
        ]
    if not data["author"]:
        data["author"] = [
            {"@type": "Organization", "name": settings.NEWSROOM_SITE_NAME}
        ]
    return data


def faq_page(items: list[FaqItem]) -> dict | None:
    if not items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": html_to_text(item.answer_html),
                },
            }
            for item in items
        ],
    }


def breadcrumbs(request: HttpRequest, trail: list[Category | Article]) -> dict:
    """BreadcrumbList from the front page down through ``trail``."""
    # "Home", as in the visible breadcrumb trail search engines compare it with.
    crumbs = [("Home", reverse("articles:home"))]
    crumbs += [(str(item), item.get_absolute_url()) for item in trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "name": name,
                "item": absolute(request, path),
            }
            for n, (name, path) in enumerate(crumbs, start=1)
        ],
    }
