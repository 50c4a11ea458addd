"""What the site benchmark prints: the machine, the fill, the tables, the summary."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

from bench.site_pages import LABELS
from bench.site_render import print_render_times


def print_fill(report) -> None:
    """The rows a fill wrote and how long each step took."""
    statuses = ", ".join(f"{n:,} {s}" for s, n in report.comment_status.most_common())
    print(
        f"  {report.articles:,} articles ({report.public:,} public, {report.drafts:,} "
        f"drafts, {report.in_review:,} in review, {report.scheduled:,} scheduled), "
        f"{report.sections:,} sections, {report.tables:,} tables, "
        f"{report.faq_items:,} FAQ items, {report.taggings:,} taggings of "
        f"{report.tags:,} tags, {report.authors:,} authors, "
        f"{report.categories} categories\n"
        f"  {report.comments:,} comments ({report.replies:,} replies; {statuses})\n"
        f"  filled in {duration(report.total_seconds)} ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in report.seconds.items())
        + f"); this process's CPU time {duration(report.cpu_seconds)},"
        f" load average {os.getloadavg()[0]:.1f}; the database takes"
        f" {database_size() / 2**30:.1f} GiB",
        flush=True,
    )


def database_size() -> int:
    """Bytes on disk: the SQLite file and its journal, or pg_database_size()."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    name = Path(connection.settings_dict["NAME"])
    return sum(
        path.stat().st_size
        for path in name.parent.glob(name.name + "*")
        if path.is_file()
    )


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def describe_database(args) -> str:
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1].lower()
    cache = next(
        (
            label
            for word, label in (
                ("redis", "Redis"),
                ("file", "file cache"),
                ("locmem", "local-memory cache"),
            )
            if word in backend
        ),
        backend,
    )
    name = "SQLite" if args.database == "sqlite" else "PostgreSQL"
    articles, comments = args.articles, args.comments
    if args.reuse:  # what the kept database holds, not what the options say
        from articles.models import Article
        from comments.models import Comment

        articles, comments = Article.objects.count(), Comment.objects.count()
    return f"{name} + {cache}, {articles:,} articles, {comments:,} comments"


def describe_machine() -> str:
    from django.db import connection

    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        match = re.search(r'^PRETTY_NAME="?([^"\n]*)', release.read_text(), re.M)
        system = match.group(1) if match else system
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = "PostgreSQL " + cursor.fetchone()[0].split()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            database = "SQLite " + cursor.fetchone()[0]
    parts = [
        f"{os.cpu_count()} CPUs",
        f"{memory} memory",
        system,
        f"Python {platform.python_version()}",
        database,
        f"gunicorn {metadata.version('gunicorn')}",
    ]
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        import redis

        parts.append(
            "Redis " + redis.Redis.from_url(redis_url).info("server")["redis_version"]
        )
    for tool, flag in (("wrk", "-v"), ("nginx", "-v")):
        if shutil.which(tool):
            shown = subprocess.run([tool, flag], capture_output=True, text=True)
            words = (shown.stdout + shown.stderr).split()
            version = next((w for w in words if w[:1].isdigit() or "/" in w), "")
            parts.append(f"{tool} {version.split('/')[-1]}")
    load = os.getloadavg()[0]
    return "Machine: " + ", ".join(parts) + f"; load average {load:.2f}"


def _errors(row: dict) -> str:
    bits = []
    if row["socket_errors"]:
        bits.append(f"{row['socket_errors']} socket")
    if row["statuses"]["s4"]:
        bits.append(f"{row['statuses']['s4']} 4xx")
    if row["statuses"]["s5"]:
        bits.append(f"{row['statuses']['s5']} 5xx")
    return ", ".join(bits) or "0"


def print_database(result: dict, args) -> None:
    print(
        f"\ngunicorn: {args.workers} {args.worker_class} workers (gunicorn.conf.py,"
        f" max_requests {args.max_requests or 'off'}); "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, "
        f"median of {args.rounds}; up to {args.paths} addresses per page kind, cycled"
    )
    header = (
        f"{'page':<22} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>14} {'cache hits':>10} {'queries':>8} {'÷ static':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in result["rows"]:
        counted = result["queries"].get(row["kind"], {})
        from_cache = row["server"] == "cached" and row["kind"] != "post"
        queries = counted.get("cached" if from_cache else "rendered", "–")
        if row["server"] == "nginx":
            queries = "–"
        # X-Cache is the site's page cache; through nginx it says nothing
        # about the proxy's own cache.
        shown = row["hit_share"] is not None and row["server"] != "nginx"
        hits = f"{100 * row['hit_share']:.0f} %" if shown else "–"
        ratio = "–" if row["vs_static"] is None else f"{row['vs_static']:.3f}"
        print(
            f"{LABELS[row['kind']]:<22} {row['server']:<9} {row['rps']:>8,.1f} "
            f"{row['p50']:>8.1f} {row['p99']:>8.1f} {_errors(row):>14} {hits:>10} "
            f"{queries:>8} {ratio:>9}"
        )
    served = [
        LABELS[r["kind"]]
        for r in result["rows"]
        if r["server"] == "uncached" and (r["hit_share"] or 0) > 0.05
    ]
    if served:
        print(
            "warning: the uncached server answered from its page cache for "
            + ", ".join(served)
            + " (see the cache hits column): those rows are not rendering costs."
        )
    print("\nQueries per request (rendered / from the page cache):")
    for kind, counted in result["queries"].items():
        print(f"  {LABELS[kind]:<22} {counted['rendered']:>6} / {counted['cached']}")
    print_render_times(result.get("render") or {}, LABELS)
    print("\nWorker memory after the runs (resident, MB):")
    for server, found in result["memory"].items():
        shown = ", ".join(f"{name} {mb:.0f}" for name, mb in found.items())
        print(f"  {server:<9} {shown}")
    burst = result["burst"] or {}
    print(f"\n{args.readers} readers at once after an edit of a busy article: ", end="")
    if "skipped" in burst:
        print(f"not measured, {burst['skipped']}.")
    else:
        answers = ", ".join(f"{k} {v}" for k, v in sorted(burst["answers"].items()))
        print(
            f"{burst['renders']} render(s) (goal: 1); answers: {answers}; "
            f"p50 {burst['p50_ms']:.0f} ms, slowest {burst['max_ms']:.0f} ms"
        )


def print_summary(results: list[dict], peer: dict | None) -> None:
    print("\n=== Summary: req/s, and each page's ratio to the static file", end="")
    print(" and to the Wagtail peer's article" if peer else "")
    if peer:
        print(
            f"(peer, from compare.sh: Wagtail article {peer['wagtail']:,.1f} req/s; "
            f"Newsroom's demo article there: cached {peer.get('cached', 0):,.1f}, "
            f"uncached {peer.get('cold', 0):,.1f}, static {peer.get('static', 0):,.1f})"
        )
    for result in results:
        print(f"\n{result['title']}")
        for row in result.get("rows", []):
            ratio = (
                ""
                if row["vs_static"] is None
                else f"  {row['vs_static']:7.3f} × static"
            )
            if peer and row["kind"] != "static":
                ratio += f"  {row['rps'] / peer['wagtail']:7.2f} × Wagtail"
            print(
                f"  {LABELS[row['kind']]:<22} {row['server']:<9} {row['rps']:>9,.1f}{ratio}"
            )
