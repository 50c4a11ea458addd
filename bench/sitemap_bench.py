"""How long the crawler endpoints take with a large archive.

Fills a scratch database with published articles (bulk inserts, so it takes
seconds, not minutes), then times the sitemap index, the article sitemap pages,
the other sitemaps, the news sitemap and the latest-articles feed, each first
with an empty page cache (what a crawler sees after any edit) and then again
from the cache. Last, it renders the 50,000-URL article page through the
site's own writer and through ``django.contrib.sitemaps``, for the figure that
justifies keeping the writer (see ``articles/sitemaps.py``).

    .venv/bin/python bench/sitemap_bench.py                       # SQLite in a temp dir
    .venv/bin/python bench/sitemap_bench.py --database-url postgres://postgres@127.0.0.1:5432/newsroom_bench

The PostgreSQL database must exist and be a scratch one: the script refuses to
touch a database holding articles it did not make.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCH_PREFIX = "bench-"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60_000)
    parser.add_argument(
        "--database-url",
        default="",
        help="a scratch database (default: a new SQLite file in a temporary folder)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per address")
    return parser.parse_args()


def configure(database_url: str) -> None:
    if not database_url:
        folder = tempfile.mkdtemp(prefix="newsroom-sitemapbench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.pop("REDIS_URL", None)
    # The test client speaks plain HTTP: no redirect to https.
    os.environ["NEWSROOM_HTTPS"] = "0"

    import django

    django.setup()


def fill(count: int) -> None:
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, Author, Byline, Category

    foreign = Article.objects.exclude(category__slug__startswith=BENCH_PREFIX)
    if foreign.exists():
        sys.exit(
            "This database holds articles the benchmark did not make; use a scratch one."
        )
    existing = Article.objects.count()
    if existing >= count:
        print(f"Reusing {existing:,} articles already in the database.")
        return

    started = time.perf_counter()
    categories = [
        Category.objects.get_or_create(
            slug=f"{BENCH_PREFIX}category-{n}",
            defaults={"name": f"Bench category {n}", "position": n},
        )[0]
        for n in range(20)
    ]
    authors = [
        Author.objects.get_or_create(
            slug=f"{BENCH_PREFIX}author-{n}", defaults={"name": f"Bench author {n}"}
        )[0]
        for n in range(200)
    ]
    tags = [
        Tag.objects.get_or_create(
            slug=f"{BENCH_PREFIX}tag-{n}", defaults={"name": f"Bench tag {n}"}
        )[0]
        for n in range(2_000)
    ]
    tagging = Article.tags.through
    now = timezone.now()
    batch = 5_000
    for start in range(existing, count, batch):
        rows = [
            Article(
                title=f"Bench article {n} & friends",
                slug=f"bench-article-{n}",
                standfirst=f"Standfirst of bench article {n}.",
                category=categories[n % len(categories)],
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=10 * n + 5),
            )
            for n in range(start, min(count, start + batch))
        ]
        created = Article.objects.bulk_create(rows)
        Byline.objects.bulk_create(
            Byline(article=a, author=authors[a.pk % len(authors)]) for a in created
        )
        tagging.objects.bulk_create(
            tagging(tag=tags[(a.pk + k) % len(tags)], content_object=a)
            for a in created
            for k in (0, 997)
        )
    print(
        f"Created {count - existing:,} articles in {time.perf_counter() - started:.1f} s."
    )


def measure(repeat: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from articles.sitemaps import URLS_PER_SITEMAP

    client = Client()
    addresses = [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-categories.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
        "/news-sitemap.xml",
        "/feeds/latest/",
        "/robots.txt",
    ]
    queries = 0

    def count_query(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    print(f"\n{connection.vendor}, {URLS_PER_SITEMAP:,} URLs per sitemap page")
    print(
        f"{'address':28} {'status':>6} {'KiB':>7} {'queries':>7} "
        f"{'cold s':>7} {'cached s':>8}"
    )
    for address in addresses:
        cold = []
        for _ in range(repeat):
            cache.clear()
            queries = 0
            with connection.execute_wrapper(count_query):
                started = time.perf_counter()
                response = client.get(address)
                cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        client.get(address)
        cached = time.perf_counter() - started
        print(
            f"{address:28} {response.status_code:>6} {len(response.content) / 1024:>7.0f} "
            f"{queries:>7} {statistics.median(cold):>7.3f} {cached:>8.3f}"
        )


def compare_writers(repeat: int) -> None:
    """The first article sitemap page through the site's writer and through Django's.

    Views are called directly (no middleware, no page cache), so the figures
    are the sitemap code alone: the site's ``sitemap_section``; Django's
    ``django.contrib.sitemaps.views.sitemap`` serving the same
    ``ArticleSitemap``; and Django's view serving a sitemap of model instances,
    what one writes without the fast path.
    """
    from django.contrib.sitemaps import Sitemap
    from django.contrib.sitemaps.views import sitemap as django_sitemap
    from django.test import RequestFactory

    from articles.models import Article
    from articles.sitemaps import URLS_PER_SITEMAP, ArticleSitemap, sitemap_section

    class ModelArticleSitemap(Sitemap):
        limit = URLS_PER_SITEMAP

        def items(self):
            return (
                Article.objects.published()
                .select_related("category")
                .order_by("published_at", "id")
            )

        def lastmod(self, article: Article):
            return article.last_changed_at

    request = RequestFactory().get("/sitemap-articles.xml")
    writers = {
        "site writer (articles.sitemaps)": lambda: sitemap_section(
            request, section="articles"
        ),
        "Django view, ArticleSitemap": lambda: django_sitemap(
            request, {"articles": ArticleSitemap}, section="articles"
        ).render(),
        "Django view, model instances": lambda: django_sitemap(
            request, {"articles": ModelArticleSitemap}, section="articles"
        ).render(),
    }
    print(f"\nFirst article sitemap page, views called directly (median of {repeat})")
    print(f"{'writer':32} {'URLs':>7} {'KiB':>7} {'s':>7}")
    for name, render in writers.items():
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = render()
            timings.append(time.perf_counter() - started)
        urls = response.content.count(b"<loc>")
        print(
            f"{name:32} {urls:>7,} {len(response.content) / 1024:>7.0f} "
            f"{statistics.median(timings):>7.3f}"
        )


def main() -> None:
    args = parse_args()
    configure(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(args.articles)
    measure(args.repeat)
    compare_writers(args.repeat)


if __name__ == "__main__":
    main()
