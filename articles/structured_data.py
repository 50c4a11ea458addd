"""schema.org data (JSON-LD) for search engines, built as plain dicts.

Templates print these with the ``json_ld`` filter, which escapes them safely
inside a ``<script type="application/ld+json">`` element.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from newsroom.site import absolute_url

from .markup import html_to_text
from .models import Article, FaqItem
from .models.corrections import latest_correction_at


def publisher(request: HttpRequest) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute_url(request, reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(request, static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
    }


def website(request: HttpRequest) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute_url(request, reverse("articles:home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute_url(request, reverse("articles:search"))
            + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


def news_article(request: HttpRequest, article: Article) -> dict:
    url = absolute_url(request, article.get_absolute_url())
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
                "url": absolute_url(request, byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": publisher(request),
    }
    if article.summary:
        data["description"] = article.summary
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
        # The latest correction or update counts, even one noted without a save.
        modified = max(
            filter(None, [article.last_changed_at, latest_correction_at(article)])
        )
        data["dateModified"] = modified.isoformat()
    if article.dateline:
        data["dateline"] = article.dateline
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    images = article_images(request, article)
    if images:
        data["image"] = images
    if not data["author"]:
        data["author"] = [
            {"@type": "Organization", "name": settings.NEWSROOM_SITE_NAME}
        ]
    return data


def article_images(request: HttpRequest, article: Article) -> list[dict]:
    """The lead image, then the pictures in the text (prefetched), each once."""
    shown = []
    if article.lead_image:
        shown.append(
            (
                article.lead_image,
                article.lead_image_width,
                article.lead_image_height,
                article.lead_image_caption or article.lead_image_alt,
            )
        )
    for figure in article.figures.all():
        image = figure.image
        caption = figure.shown_caption or figure.shown_alt_text
        shown.append((image.file, image.width, image.height, caption))
    images, named = [], set()
    for file, width, height, caption in shown:
        if not file or file.name in named:
            continue
        named.add(file.name)
        images.append(
            {
                "@type": "ImageObject",
                "url": absolute_url(request, file.url),
                "width": width,
                "height": height,
                "caption": caption,
            }
        )
    return images


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


def breadcrumbs(request: HttpRequest, crumbs: list[tuple[str, str]]) -> dict:
    """BreadcrumbList of ``crumbs``, the (name, path) pairs of the visible trail."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "name": name,
                "item": absolute_url(request, path),
            }
            for n, (name, path) in enumerate(crumbs, start=1)
        ],
    }
