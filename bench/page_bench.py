"""Page-serving benchmark: latency and throughput of public pages under gunicorn.

Builds a scratch database (SQLite, or PostgreSQL with --database postgres; it
is dropped afterwards) with a few thousand published articles, starts gunicorn
on 127.0.0.1 with DEBUG off, and requests the front page, a category page, an
article page and a tag page from a pool of client threads. It measures each
page twice: from a server whose cached pages expire at once (every request
renders the page), and from one with a warm page cache.

    python bench/page_bench.py [--database sqlite|postgres] [--redis-url URL]
                               [--articles 3000] [--requests 400] [--concurrency 8]

Everything runs on 127.0.0.1, with a bounded number of requests.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(count: int) -> None:
    """Create ``count`` public articles across 8 categories (run inside Django)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article, Author, Byline, Category, FaqItem, Section

    categories = [
        Category.objects.get_or_create(
            slug=f"desk-{n}", defaults={"name": f"Desk {n}"}
        )[0]
        for n in range(8)
    ]
    authors = [
        Author.objects.get_or_create(
            slug=f"writer-{n}", defaults={"name": f"Writer {n}"}
        )[0]
        for n in range(20)
    ]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Benchmark story {n}: council weighs harbour plan",
            slug=f"bench-story-{n}",
            standfirst="A standfirst of typical length for a news story on the front page.",
            category=categories[n % len(categories)],
            status="published",
            published_at=now - timedelta(minutes=n),
            excerpt="The lead paragraph of the story, shortened for lists.",
        )
        for n in range(count)
    )
    Byline.objects.bulk_create(
        Byline(article=a, author=authors[i % len(authors)])
        for i, a in enumerate(articles)
    )
    body = (
        "A paragraph of reporting with *emphasis* and a [link](https://example.org). "
        * 8
    )
    sections, faqs = [], []
    for article in articles[:50]:
        for position in range(12):
            section = Section(
                article=article,
                position=position,
                heading=f"Part {position}" if position else "",
                anchor=f"part-{position}" if position else "",
                body=body,
            )
            section.body_html = f"<p>{body}</p>"
            sections.append(section)
        faqs += [
            FaqItem(
                article=article, position=p, question=f"Question {p}?", answer="Yes."
            )
            for p in range(5)
        ]
    Section.objects.bulk_create(sections)
    FaqItem.objects.bulk_create(faqs)
    for n, article in enumerate(articles[:200]):
        article.tags.add("harbour", f"topic-{n % 10}")
    # A live database has planner statistics (autovacuum, or ANALYZE after
    # migrate); a freshly filled one must be given them to be comparable.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


SCRATCH_DB = "newsroom_pagebench"


def _scratch_postgres(server_url: str, *, create: bool) -> str:
    """(Re)create or drop the scratch database; return its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    return server_url.rsplit("/", 1)[0] + "/" + SCRATCH_DB


def _run(args: list[str], env: dict) -> None:
    subprocess.run(args, cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL)


def _load(port: int, path: str, total: int, concurrency: int) -> list[float]:
    """Issue ``total`` GETs for ``path``; return the latencies in milliseconds."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [total]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            with lock:
                latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=400, help="per page and phase")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="server on which a scratch database newsroom_pagebench is made and dropped",
    )
    parser.add_argument("--redis-url", default="", help="use this Redis as the cache")
    parser.add_argument("--seed-only", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.seed_only is not None:
        seed(options.seed_only)
        return

    scratch = Path(tempfile.mkdtemp(prefix="newsroom-pagebench-"))
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_SECRET_KEY": "benchmark-only-key",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no redirect to HTTPS.
        "NEWSROOM_HTTPS": "0",
        "NEWSROOM_STATIC_ROOT": str(scratch / "static"),
        "PYTHONPATH": str(PROJECT),
    }
    if options.database == "postgres":
        env["DATABASE_URL"] = _scratch_postgres(options.postgres_url, create=True)
    else:
        env["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    env.pop("REDIS_URL", None)
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
    python = sys.executable
    print(f"Scratch folder {scratch}; database {env['DATABASE_URL'].split('@')[-1]}")
    _run([python, "manage.py", "migrate", "--noinput"], env)
    _run([python, "manage.py", "collectstatic", "--noinput"], env)
    started = time.perf_counter()
    _run([python, __file__, "--seed-only", str(options.articles)], env)
    print(
        f"Seeded {options.articles} articles in {time.perf_counter() - started:.1f} s"
    )

    pages = {
        "front page": "/",
        "category page": "/desk-1/",
        "article (12 sections, 5 FAQ)": "/desk-0/bench-story-0/",
        "tag page": "/tags/harbour/",
    }
    print(
        f"\n{options.requests} requests per row, {options.concurrency} client threads, "
        f"{options.workers} gunicorn workers\n"
    )
    print(f"{'page':32} {'cache':6} {'median ms':>10} {'p95 ms':>8} {'req/s':>8}")
    results: dict[tuple[str, str], str] = {}
    try:
        # Cold: a server whose pages expire at once, so every request renders.
        for phase, lifetime in (("cold", "0"), ("warm", "600")):
            server = _start_server(python, port, options.workers, env, lifetime)
            try:
                for label, path in pages.items():
                    _load(port, path, options.concurrency * 2, options.concurrency)
                    began = time.perf_counter()
                    times = _load(port, path, options.requests, options.concurrency)
                    wall = time.perf_counter() - began
                    p95 = statistics.quantiles(times, n=20)[-1]
                    results[label, phase] = (
                        f"{statistics.median(times):10.1f} {p95:8.1f} "
                        f"{len(times) / wall:8.0f}"
                    )
            finally:
                server.terminate()
                server.wait(timeout=10)
        for label in pages:
            for phase in ("cold", "warm"):
                print(f"{label:32} {phase:6} {results[label, phase]}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if options.database == "postgres":
            _scratch_postgres(options.postgres_url, create=False)


def _start_server(
    python: str, port: int, workers: int, env: dict, page_cache_seconds: str
) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "newsroom.wsgi",
        ],
        cwd=PROJECT,
        env={**env, "NEWSROOM_PAGE_CACHE_SECONDS": page_cache_seconds},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


if __name__ == "__main__":
    main()
