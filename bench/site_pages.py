"""Which addresses the site benchmark requests, and how many queries each costs.

Runs inside Django, configured like the servers (DEBUG off, the same
database). The addresses are a seeded sample of the filled archive, so every
run of the same fill asks for the same pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.search_corpus import COLLOCATIONS, NEWS_WORDS, TOPICAL_WORDS

PAGE_KINDS = ("front", "article", "category", "tag", "search")
LABELS = {
    "static": "static file (site CSS)",
    "front": "front page",
    "article": "article",
    "category": "category",
    "tag": "tag",
    "search": "search",
    "post": "comment post",
}


@dataclass
class Addresses:
    """Per page kind, the addresses to cycle through; ``post`` lines are
    "form address [comment id to reply to]"."""

    pages: dict[str, list[str]] = field(default_factory=dict)
    post: list[str] = field(default_factory=list)
    static: str = ""
    # An article with many comments, for the burst of readers after an edit.
    busy_article: tuple[int, str] | None = None


def choose(count: int, seed: int = 5) -> Addresses:
    from django.db.models import Count, Exists, OuterRef
    from django.templatetags.static import static
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Category, TaggedArticle
    from comments import policy
    from comments.models import Comment

    rng = random.Random(seed)
    chosen = Addresses(static=static("css/site.css"))
    public = Article.objects.published().select_related("category")
    ids = list(public.order_by("pk").values_list("pk", flat=True))
    busiest = list(
        Comment.objects.filter(article_id__in=public.values("pk"))
        .values("article_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("article_id", flat=True)[: count // 2]
    )
    picked = list(dict.fromkeys(busiest + rng.sample(ids, min(len(ids), count))))
    articles = public.in_bulk(picked[:count])
    article_list = [articles[pk] for pk in picked[:count] if pk in articles]
    chosen.pages["front"] = [reverse("articles:home")]
    chosen.pages["article"] = [a.get_absolute_url() for a in article_list]
    if busiest:
        chosen.busy_article = (busiest[0], articles[busiest[0]].get_absolute_url())

    categories = list(
        Category.objects.annotate(
            n=Count("articles", filter=_public_filter())
        ).order_by("position")
    )
    # Every category's first page, then later pages (20 articles a page)
    # of the categories that have them, readers going back in time.
    pages = [c.get_absolute_url() for c in categories if c.n]
    deep = [c for c in categories if c.n > 20]
    while len(pages) < count and deep:
        category = rng.choice(deep)
        last = min(50, (category.n + 19) // 20)
        pages.append(f"{category.get_absolute_url()}?page={rng.randint(2, last)}")
    chosen.pages["category"] = pages

    shown = Tag.objects.filter(
        Exists(
            TaggedArticle.objects.filter(
                tag=OuterRef("pk"), content_object__in=public.values("pk")
            )
        )
    )
    popular = list(
        shown.annotate(n=Count("articles_taggedarticle_items"))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
    )
    slugs = list(
        dict.fromkeys(
            popular[: count // 2] + rng.sample(popular, min(len(popular), count))
        )
    )
    chosen.pages["tag"] = [reverse("articles:tag", args=[s]) for s in slugs[:count]]

    search = reverse("articles:search")
    chosen.pages["search"] = [
        f"{search}?{urlencode(params)}" for params in _queries(rng, count, categories)
    ]

    for article in article_list:
        if policy.closed_reason(article):
            continue
        form = reverse("comments:post", args=[article.pk])
        chosen.post.append(form)
        parent = (
            Comment.objects.visible()
            .filter(article=article, parent=None)
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
        if parent and rng.random() < 0.3:
            chosen.post.append(f"{form} {parent}")
    # The same address twice would be served from the cache the second time.
    chosen.pages = {k: list(dict.fromkeys(v)) for k, v in chosen.pages.items()}
    chosen.post = list(dict.fromkeys(chosen.post))
    return chosen


def _public_filter():
    from django.db.models import Q
    from django.utils import timezone

    return Q(articles__status="published", articles__published_at__lte=timezone.now())


def _queries(rng: random.Random, count: int, categories) -> list[dict]:
    """What readers type: common and topical words, two words, phrases, filters."""
    queries = []
    for n in range(count):
        kind = n % 6
        if kind == 0:
            queries.append({"q": rng.choice(NEWS_WORDS[:40])})
        elif kind == 1:
            queries.append({"q": rng.choice(TOPICAL_WORDS)})
        elif kind == 2:
            queries.append(
                {"q": f"{rng.choice(NEWS_WORDS)} {rng.choice(TOPICAL_WORDS)}"}
            )
        elif kind == 3:
            queries.append({"q": f'"{rng.choice(COLLOCATIONS)}"'})
        elif kind == 4:
            queries.append({"q": rng.choice(NEWS_WORDS), "sort": "newest"})
        else:
            category = rng.choice(categories)
            queries.append(
                {"q": rng.choice(NEWS_WORDS[:60]), "category": category.slug}
            )
    return queries


# -- queries per request ---------------------------------------------------------


@dataclass
class QueryCount:
    """Database queries for one page kind: rendered (empty cache) and from the cache."""

    rendered: list[int] = field(default_factory=list)
    cached: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    @staticmethod
    def span(values: list[int]) -> str:
        if not values:
            return "–"
        low, high = min(values), max(values)
        return str(low) if low == high else f"{low}–{high}"


def count_queries(addresses: Addresses, host: str) -> dict[str, QueryCount]:
    """Request every address twice through Django's test client, counting queries.

    Each page kind gets an empty cache of its own (Django's local-memory
    backend), warmed by one page of another kind as a running server's would
    be (the menu and other parts cached for every page); then each address's
    first request renders and its second is served from the page cache.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from comments.signing import form_timestamp

    client = Client(HTTP_HOST=host)
    counts: dict[str, QueryCount] = {}
    serial = 0

    def fresh_cache():
        nonlocal serial
        serial += 1
        return override_settings(
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": f"site-bench-{serial}",
                }
            }
        )

    kinds = {"static": [addresses.static], **addresses.pages}
    for kind, paths in kinds.items():
        count = counts.setdefault(kind, QueryCount())
        with fresh_cache():
            client.get(addresses.pages["category" if kind == "front" else "front"][0])
            for path in paths:
                with CaptureQueriesContext(connection) as rendered:
                    first = client.get(path)
                with CaptureQueriesContext(connection) as cached:
                    second = client.get(path)
                count.rendered.append(len(rendered))
                count.cached.append(len(cached))
                count.statuses |= {first.status_code, second.status_code}
    count = counts.setdefault("post", QueryCount())
    for n, line in enumerate(addresses.post[:5]):
        form, _, parent = line.partition(" ")
        with fresh_cache(), CaptureQueriesContext(connection) as posted:
            response = client.post(
                form,
                {
                    "body": f"Counting the queries of a comment, number {n}.",
                    "author_name": "Query Counter",
                    "author_email": f"query-counter-{n}@example.org",
                    "website": "",
                    "shown_at": form_timestamp(),
                    "parent": parent,
                },
                headers={"Sec-Fetch-Site": "same-origin"},
            )
        count.rendered.append(len(posted))
        count.statuses.add(response.status_code)
    return counts
