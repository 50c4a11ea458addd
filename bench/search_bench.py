"""How fast search answers with a large archive, on SQLite and on PostgreSQL.

Builds a scratch database of synthetic articles (bulk inserts, then one
batched index build – not a save per article), a quarter of them an archive
imported after launch (the highest ids, the oldest dates), then runs a
fixed, seeded mix of searches through the code the search page uses (count,
the page in "Best match" or "Newest first" order, snippets, article cards)
and prints the median and 95th percentile per kind of query and overall. A
few full requests through Django's test client, with the page cache emptied
before each, show what a reader waits for.

    .venv/bin/python bench/run.py search --backend both --articles 100000
    .venv/bin/python bench/search_bench.py --backend sqlite --articles 20000
    .venv/bin/python bench/search_bench.py --backend sqlite --keep
    .venv/bin/python bench/search_bench.py --reuse URL    # the URL --keep printed

SQLite gets a file in a new temporary folder; PostgreSQL a scratch database
(newsroom_bench_search by default) that the script creates and drops. The
build takes a few minutes at 100,000 articles and prints its progress.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from articles.search import SearchFilters, Sort

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_PG_DATABASE = "newsroom_bench_search"
CATEGORIES = 12
GOAL_MEDIAN_MS = 20
GOAL_P95_MS = 50


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", choices=["sqlite", "postgres", "both"], default="both"
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--archive-share",
        type=float,
        default=0.25,
        help="share of the articles that are an archive imported after launch:"
        " the highest ids, the oldest publication times",
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="timed runs of the query mix"
    )
    parser.add_argument(
        "--requests", type=int, default=2, help="rounds of full page requests"
    )
    parser.add_argument(
        "--pg-admin-url",
        default=DEFAULT_PG_ADMIN_URL,
        help="a PostgreSQL database to connect to while creating the scratch one",
    )
    parser.add_argument("--pg-database", default=DEFAULT_PG_DATABASE)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database afterwards"
    )
    parser.add_argument(
        "--reuse",
        metavar="DATABASE_URL",
        help="measure a database kept by --keep again instead of building one",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.archive_share < 1:
        parser.error("--archive-share must be at least 0 and less than 1.")
    return args


# -- database setup ---------------------------------------------------------


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def prepare_database(args: argparse.Namespace) -> tuple[str, Callable[[], None]]:
    """Create the scratch database; returns its URL and a function that removes it."""
    if args.backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="newsroom-search-bench-")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder)
    name = args.pg_database
    if not name.replace("_", "").isalnum():
        raise SystemExit("--pg-database must be letters, digits and underscores.")
    with _pg_admin(args.pg_admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = args.pg_admin_url.rsplit("/", 1)[0]

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with _pg_admin(args.pg_admin_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def configure_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ["NEWSROOM_STRICT_FETCH"] = "0"
    # The test client speaks plain HTTP: no redirect to https.
    os.environ["NEWSROOM_HTTPS"] = "0"

    import django
    from django.conf import settings

    django.setup()
    # The hashed static manifest needs collectstatic; the pages only need URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def publication_time(
    n: int, count: int, archive_share: float, now: datetime
) -> datetime:
    """When article ``n`` of ``count`` (in id order) was published.

    The first articles are the site's own reporting, one after another over
    the last three years. The rest, with the highest ids, stand for an archive
    imported after launch: ten years of older reporting, so ids are not
    publication order.
    """
    current = max(1, round(count * (1 - archive_share)))
    if n <= current:
        span = timedelta(days=3 * 365)
        return now - span + span * (n / current) - timedelta(hours=2)
    archive_span = timedelta(days=10 * 365)
    archive_end = now - timedelta(days=3 * 365 + 1)
    return (
        archive_end - archive_span + archive_span * ((n - current) / (count - current))
    )


def build(count: int, archive_share: float) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Article, Category
    from articles.search import rebuild_index
    from bench.search_corpus import Corpus

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    categories = Category.objects.bulk_create(
        Category(name=f"Section {n}", slug=f"section-{n}", position=n)
        for n in range(1, CATEGORIES + 1)
    )
    corpus = Corpus()
    rng = random.Random(7)
    now = timezone.now()
    batch: list[Article] = []
    for n in range(1, count + 1):
        title, standfirst, body = corpus.article()
        roll = rng.random()
        published_at = publication_time(n, count, archive_share, now)
        status = Article.Status.PUBLISHED
        if roll < 0.02:
            status = Article.Status.DRAFT
        elif roll < 0.03:
            published_at = now + timedelta(days=rng.randint(1, 30))  # scheduled
        batch.append(
            Article(
                title=title[:200],
                slug=f"story-{n}",
                standfirst=standfirst[:400],
                category=categories[n % CATEGORIES],
                status=status,
                published_at=published_at,
                body_text=body,
                excerpt=body[:300],
            )
        )
        if len(batch) == 2000 or n == count:
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            batch = []
            if n % 10_000 == 0 or n == count:
                print(
                    f"  {n:,} articles written ({time.monotonic() - started:.0f} s)",
                    flush=True,
                )

    def progress(done: int, total: int) -> None:
        if done % 20_000 < 2000 or done == total:
            print(
                f"  {done:,} of {total:,} indexed ({time.monotonic() - started:.0f} s)",
                flush=True,
            )

    rebuild_index(batch_size=2000, progress=progress)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Article._meta.db_table}")
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)


# -- the query mix ----------------------------------------------------------


def query_mix(today: date, seed: int = 99) -> list[tuple[str, str, dict]]:
    """(kind, query text, page parameters) – the same list on every run of a day."""
    from bench.search_corpus import COLLOCATIONS, NEWS_WORDS, TOPICAL_WORDS, Corpus

    rng = random.Random(seed)
    rare_tail = Corpus().tail[8000:]
    common = rng.sample(NEWS_WORDS[:40], 6)
    mix: list[tuple[str, str, dict]] = []
    mix += [("common word", word, {}) for word in common]
    mix += [("uncommon word", word, {}) for word in rng.sample(TOPICAL_WORDS, 6)]
    mix += [("rare word", word, {}) for word in rng.sample(rare_tail, 6)]
    mix += [
        ("two words", f"{a} {b}", {})
        for a, b in zip(
            rng.sample(NEWS_WORDS, 6),
            rng.sample(NEWS_WORDS[:20] + TOPICAL_WORDS[:20], 6),
            strict=True,
        )
    ]
    mix += [("phrase", f'"{phrase}"', {}) for phrase in rng.sample(COLLOCATIONS, 6)]
    mix += [
        ("exclusion", f"{a} -{b}", {})
        for a, b in zip(
            rng.sample(NEWS_WORDS[:40], 6), rng.sample(NEWS_WORDS, 6), strict=True
        )
    ]
    mix += [
        ("category filter", word, {"category": f"section-{rng.randint(1, CATEGORIES)}"})
        for word in rng.sample(NEWS_WORDS[:40] + TOPICAL_WORDS, 6)
    ]
    mix += [
        ("either word", f"{a} OR {b}", {})
        for a, b in zip(
            rng.sample(TOPICAL_WORDS, 3), rng.sample(TOPICAL_WORDS, 3), strict=True
        )
    ]
    # Three months of recent reporting, and a year of the imported archive.
    recent = {
        "from": (today - timedelta(days=400)).isoformat(),
        "to": (today - timedelta(days=310)).isoformat(),
    }
    archived = {
        "from": (today - timedelta(days=8 * 365)).isoformat(),
        "to": (today - timedelta(days=7 * 365)).isoformat(),
    }
    mix += [
        ("date range", word, window)
        for word, window in zip(
            rng.sample(NEWS_WORDS[:40], 2) + rng.sample(TOPICAL_WORDS, 2),
            [recent, archived, recent, archived],
            strict=True,
        )
    ]
    newest = {"sort": "newest"}
    mix += [
        ("newest first", text, {**newest, **extra})
        for text, extra in [
            (rng.choice(NEWS_WORDS[:40]), {}),
            (rng.choice(NEWS_WORDS[40:]), {}),
            (rng.choice(TOPICAL_WORDS), {}),
            (rng.choice(rare_tail), {}),
            (f'"{rng.choice(COLLOCATIONS)}"', {}),
            (
                rng.choice(NEWS_WORDS[:40]),
                {"category": f"section-{rng.randint(1, CATEGORIES)}"},
            ),
        ]
    ]
    return mix


def page_choices(params: dict) -> tuple[SearchFilters, Sort]:
    """The filters and order the search page would take from these parameters."""
    from articles.search import SearchForm

    form = SearchForm(params)
    if not form.is_valid():
        raise SystemExit(f"The query mix has bad parameters {params}: {form.errors}")
    return form.filters(), form.sort_order


def search_once(query: str, filters: SearchFilters, sort: Sort) -> tuple[int, int]:
    """What the search page does for one query: the count, then page one."""
    from articles.search import SearchResults, backend_for, parse_query
    from articles.search.views import PER_PAGE

    results = SearchResults(backend_for(parse_query(query), filters), sort)
    count = results.count()
    return count, len(results[0:PER_PAGE])


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(args: argparse.Namespace) -> dict[str, float]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.utils import timezone

    from articles.search.views import RESULT_LIMIT

    mix = query_mix(timezone.localdate())
    prepared = [
        (kind, text, *page_choices(params), params) for kind, text, params in mix
    ]
    for _kind, text, filters, sort, _params in prepared:  # warm the caches once
        search_once(text, filters, sort)
    by_kind: dict[str, list[float]] = {}
    counts: list[int] = [0] * len(prepared)
    for _ in range(args.rounds):
        for n, (kind, text, filters, sort, _params) in enumerate(prepared):
            started = time.perf_counter()
            counts[n], _shown = search_once(text, filters, sort)
            by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    everything = [ms for samples in by_kind.values() for ms in samples]

    print(f"\n{connection.vendor}: {len(everything)} searches ({len(mix)} queries)")
    print(
        f"  {'kind':<16} {'median':>7} {'p95':>8}  matches"
        f" ({RESULT_LIMIT} means {RESULT_LIMIT} or more)"
    )
    for kind, samples in by_kind.items():
        matched = ", ".join(
            str(counts[n]) for n, entry in enumerate(prepared) if entry[0] == kind
        )
        print(
            f"  {kind:<16} {statistics.median(samples):7.1f}  {percentile(samples, 0.95):7.1f}"
            f"  {matched}"
        )
    median, p95 = statistics.median(everything), percentile(everything, 0.95)
    print(f"  {'all searches':<16} {median:7.1f}  {p95:7.1f}  ms")

    client = Client()

    def page_times(*, emptied: bool) -> list[float]:
        times = []
        for _ in range(args.requests):
            for _kind, text, _filters, _sort, params in prepared:
                if emptied:
                    cache.clear()  # nothing stored at all, not even the menu
                started = time.perf_counter()
                response = client.get("/search/", {"q": text, **params})
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(
                        f"/search/?q={text} answered {response.status_code}"
                    )
        return times

    # The whole result page without the page cache, as a server with
    # NEWSROOM_PAGE_CACHE_SECONDS=0 renders every request (and a cached one
    # every new query): the menu and the cards of articles shown before stay
    # stored, as they do on a running site.
    cache.clear()
    with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
        pages = page_times(emptied=False)
    page_median, page_p95 = statistics.median(pages), percentile(pages, 0.95)
    print(
        f"  {'full pages':<16} {page_median:7.1f}  {page_p95:7.1f}  ms,"
        f" {len(pages)} requests with the page cache off"
    )
    # The worst case: the whole cache emptied before each request.
    emptied = page_times(emptied=True)
    print(
        f"  {'emptied cache':<16} {statistics.median(emptied):7.1f}"
        f"  {percentile(emptied, 0.95):7.1f}  ms, {len(emptied)} requests with"
        " the whole cache emptied before each (nothing stored, not even the menu)"
    )
    met = all(
        m < GOAL_MEDIAN_MS and p < GOAL_P95_MS
        for m, p in ((median, p95), (page_median, page_p95))
    )
    print(
        f"  {'meets' if met else 'MISSES'} the goal for searches and for pages"
        f" (median < {GOAL_MEDIAN_MS} ms, p95 < {GOAL_P95_MS} ms)"
    )
    return {
        "median": median,
        "p95": p95,
        "page_median": page_median,
        "page_p95": page_p95,
    }


def run_one(args: argparse.Namespace) -> None:
    if args.reuse:
        configure_django(args.reuse)
        print(f"Measuring the kept database {args.reuse}", flush=True)
        measure(args)
        return
    database_url, remove = prepare_database(args)
    try:
        configure_django(database_url)
        print(f"Building {args.articles:,} articles on {args.backend}", flush=True)
        build(args.articles, args.archive_share)
        measure(args)
    finally:
        if args.keep:
            print(f"  kept {database_url}")
        else:
            remove()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.backend != "both" or args.reuse:
        run_one(args)
        return
    # Django is configured once per process, so each database gets its own.
    forwarded = [
        f"--articles={args.articles}",
        f"--rounds={args.rounds}",
        f"--requests={args.requests}",
        f"--archive-share={args.archive_share}",
        f"--pg-admin-url={args.pg_admin_url}",
        f"--pg-database={args.pg_database}",
        *(["--keep"] if args.keep else []),
    ]
    for backend in ("sqlite", "postgres"):
        subprocess.run(
            [sys.executable, __file__, f"--backend={backend}", *forwarded], check=True
        )


if __name__ == "__main__":
    main()
