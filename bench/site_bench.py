"""The whole site under load: a realistic archive served by gunicorn, driven by wrk.

For each database (SQLite, PostgreSQL or both):

1. fills a scratch database with a seeded archive (``bench/site_fill.py``:
   articles with sections, tables, FAQ and tags, comments with replies,
   authors, categories; bulk inserts, then the derived HTML, text and search
   index) and prints how long each step took;
2. counts the database queries of every address it will request, rendered
   and from the page cache, through Django's test client;
3. starts gunicorn as deployed (``gunicorn.conf.py``, DEBUG off, plain HTTP on
   127.0.0.1, a random secret key), once with the page cache on and once with
   ``NEWSROOM_PAGE_CACHE_SECONDS=0``, and drives the front page, articles,
   categories, tags, search and comment posting with wrk, next to a static
   file served by the same gunicorn;
4. behind nginx with deploy/'s proxy cache, when both are there;
5. prints req/s, p50 and p99, errors, the page cache's hits, queries per
   request, each page's ratio to the static file, and the workers' memory.

With ``--peer`` it then runs the Wagtail peer's compare.sh and adds each
page's ratio to the peer's article.

    make bench ARGS="site --articles 100000 --comments 1000000 --database both"
    make bench ARGS="site --articles 2000 --comments 20000 --duration 5"
    make bench ARGS="site --database postgresql --redis redis://127.0.0.1:6379/9"
    make bench ARGS="site --fill-only --database sqlite --keep"   # prints the URL
    make bench ARGS="site --reuse URL"        # a database kept by --keep

bench/README.md ("Site") says what the figures mean.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import site_load, site_render, site_report  # noqa: E402
from bench.site_after_edit import readers_after_edit  # noqa: E402
from bench.site_options import DATABASES, FORWARDED, PEER_SCRIPT_ENV, parse_args  # noqa: E402
from bench.site_pages import LABELS, PAGE_KINDS  # noqa: E402

# -- the parent: one child process per database, then the peer ------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.fill_only and not site_load.wrk_available():
        print(site_load.WRK_MISSING, file=sys.stderr)
        return 2
    if args.results_json:
        return run_database(args)
    databases = DATABASES if args.database == "both" else (args.database,)
    results, failed = [], []
    with tempfile.TemporaryDirectory(prefix="newsroom-site-bench-") as folder:
        for database in databases:
            out = Path(folder) / f"{database}.json"
            redis = (
                args.redis if database == "postgresql" or len(databases) == 1 else ""
            )
            command = [sys.executable, __file__, *_forward(args, database, redis, out)]
            if subprocess.run(command).returncode or not out.exists():
                failed.append(database)
                continue
            results.append(json.loads(out.read_text()))
    peer = run_peer(args) if args.peer and not args.fill_only else None
    if results and not args.fill_only:
        site_report.print_summary(results, peer)
    if failed:
        print(f"\nFailed: {', '.join(failed)} (see above).", file=sys.stderr)
    return 1 if failed else 0


def _forward(args, database: str, redis: str, out: Path) -> list[str]:
    forwarded = [f"--database={database}", f"--results-json={out}"]
    for name in FORWARDED:
        value = getattr(args, name)
        if value not in (None, ""):
            forwarded.append(f"--{name.replace('_', '-')}={value}")
    if redis:
        forwarded.append(f"--redis={redis}")
    forwarded += [f"--uncached-env={pair}" for pair in args.uncached_env]
    forwarded += [
        f"--{f.replace('_', '-')}"
        for f in ("keep", "fill_only", "no_nginx")
        if getattr(args, f)
    ]
    return forwarded


# -- one database, in its own process (Django is configured once per process) ---


def run_database(args: argparse.Namespace) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="newsroom-site-bench-"))
    url, remove = prepare_database(args)
    env = server_environment(args, url, scratch)
    try:
        for name in list(os.environ):
            if name.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_URL", "REDIS_URL")):
                del os.environ[name]
        os.environ.update(env)
        import django

        django.setup()
        title = site_report.describe_database(args)
        print(f"\n=== {title}", flush=True)
        print(site_report.describe_machine(), flush=True)
        result = {"database": args.database, "title": title}
        result["fill"] = build(args)
        if result["fill"] is None:
            return 1
        if args.fill_only:
            args.results_json.write_text(json.dumps(result))
            return 0
        result.update(measure(args, env, scratch))
        args.results_json.write_text(json.dumps(result))
        return 0
    finally:
        from django.conf import settings
        from django.db import connections

        if settings.configured:
            connections.close_all()
        _forget_cache_keys(env)
        remove()
        shutil.rmtree(scratch, ignore_errors=True)


def prepare_database(args: argparse.Namespace):
    """The scratch database's URL, and what removes it afterwards."""
    if args.reuse:
        return args.reuse, lambda: None
    if args.database == "sqlite":
        folder = tempfile.mkdtemp(prefix="newsroom-site-bench-db-")
        url = f"sqlite:///{folder}/site.sqlite3"

        def remove_file() -> None:
            if args.keep:
                print(f"Kept the database: --reuse {url}")
            else:
                shutil.rmtree(folder, ignore_errors=True)

        return url, remove_file
    import psycopg

    name = args.pg_database
    with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{args.pg_admin_url.rsplit('/', 1)[0]}/{name}"

    def drop() -> None:
        if args.keep:
            print(f"Kept the database: --reuse {url}")
            return
        with psycopg.connect(args.pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def server_environment(args, url: str, scratch: Path) -> dict[str, str]:
    """Production settings on plain HTTP, with posting limits out of the way."""
    env = site_load.clean_environment(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        NEWSROOM_HTTPS="0",
        DATABASE_URL=url,
        NEWSROOM_STATIC_ROOT=str(scratch / "static"),
        NEWSROOM_MEDIA_ROOT=str(scratch / "media"),
        # The page cache's folder when it is kept in files.
        NEWSROOM_CACHE_DIR=str(scratch / "cache"),
        # Keys of this run only, in a Redis others may share.
        NEWSROOM_CACHE_PREFIX=f"newsroom-site-bench-{secrets.token_hex(4)}",
        # A benchmark posts at once and often, from one address.
        NEWSROOM_COMMENT_MIN_SECONDS="0",
        NEWSROOM_COMMENT_RATE="1000000/m",
        NEWSROOM_LOG_LEVEL="WARNING",
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
    return env


def _forget_cache_keys(env: dict[str, str]) -> None:
    """Delete this run's keys from Redis (only its own prefix; never FLUSHDB)."""
    if not env.get("REDIS_URL"):
        return
    try:
        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        keys = list(client.scan_iter(match=f"{env['NEWSROOM_CACHE_PREFIX']}:*"))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except Exception as error:  # noqa: BLE001 (tidying up must not hide the results)
        print(f"Could not delete this run's Redis keys: {error!r}")


def build(args: argparse.Namespace) -> dict | None:
    from django.core.management import call_command

    from articles.models import Article
    from bench.site_derived import check_derived
    from bench.site_fill import fill

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic() - started
    if args.reuse:
        print(f"Reusing {Article.objects.count():,} articles.")
        return {"reused": True}
    print(
        f"Filling: {args.articles:,} articles, {args.comments:,} comments "
        f"(migrations {migrated:.0f} s)",
        flush=True,
    )
    report = fill(
        args.articles,
        args.comments,
        seed=args.seed,
        scheduled_every=args.scheduled_every,
    )
    problems = check_derived()
    if problems:
        print("The fill's derived data differs from what the site makes:")
        print("\n".join(f"  {p}" for p in problems[:20]))
        return None
    site_report.print_fill(report)
    return {
        "seconds": report.seconds,
        "total_seconds": report.total_seconds,
        "cpu_seconds": report.cpu_seconds,
    }


# -- measuring ----------------------------------------------------------------------


def measure(args, env: dict[str, str], scratch: Path) -> dict:
    from django.core.management import call_command

    from bench import site_pages

    call_command("collectstatic", interactive=False, verbosity=0)
    addresses = site_pages.choose(args.paths)
    counts = site_pages.count_queries(addresses, "127.0.0.1")
    for kind, count in counts.items():
        expected = {303} if kind == "post" else {200}
        if count.statuses - expected:
            print(f"  warning: {LABELS[kind]} answered {sorted(count.statuses)}")
    queries = {
        kind: {"rendered": c.span(c.rendered), "cached": c.span(c.cached)}
        for kind, c in counts.items()
    }
    render = site_render.render_times(addresses, "127.0.0.1", args.render_rounds)
    rows, memory, burst = [], {}, None
    uncached = dict(pair.split("=", 1) for pair in args.uncached_env)
    for name, extra in (("cached", {}), ("uncached", uncached)):
        try:
            server = site_load.start_gunicorn(
                name, {**env, **extra}, scratch, gunicorn_options(args)
            )
        except RuntimeError as error:
            if name == "cached":
                raise
            print(
                f"uncached: skipped, gunicorn did not start with {uncached}:"
                f" {_worker_error(error)}"
            )
            continue
        try:
            rows += load_pages(server.base_url, name, addresses, args, scratch)
            if name == "cached":
                burst = readers_after_edit(server.base_url, addresses, args.readers)
            rows += load_posts(server.base_url, name, addresses, args, scratch)
            memory[name] = server.worker_memory()
        finally:
            server.stop()
    nginx = None if args.no_nginx else behind_nginx(args, env, addresses, scratch)
    if nginx:
        rows += nginx["rows"]
        memory["nginx"] = nginx["memory"]
    _add_ratios(rows)
    result = {
        "rows": rows,
        "queries": queries,
        "render": render,
        "memory": memory,
        "burst": burst,
    }
    site_report.print_database(result, args)
    return result


def _worker_error(error: RuntimeError) -> str:
    """The worker's own error from a failed start's log, not the master's HaltServer."""
    lines = str(error).strip().splitlines()
    return next(
        (
            line
            for line in reversed(lines)
            if re.search(r"\w(Error|Exception|Configured): ", line)
            and "HaltServer" not in line
        ),
        lines[-1],
    )


def gunicorn_options(args) -> list[str]:
    return [
        *("--workers", str(args.workers), "--worker-class", args.worker_class),
        *("--threads", str(args.worker_threads)),
        *("--max-requests", str(args.max_requests)),
    ]


def load_pages(base_url, server, addresses, args, scratch) -> list[dict]:
    kinds = [("static", [addresses.static])] + [
        (kind, addresses.pages[kind]) for kind in PAGE_KINDS
    ]
    if args.warmup > 0:
        for kind, paths in kinds:
            _wrk(base_url, paths, scratch / f"{kind}.txt", args, args.warmup)
    runs: dict[str, list] = {kind: [] for kind, _ in kinds}
    for _ in range(args.rounds):  # alternating, as compare.sh does
        for kind, paths in kinds:
            runs[kind].append(_wrk(base_url, paths, scratch / f"{kind}.txt", args))
    return [_row(kind, server, site_load.median_run(r)) for kind, r in runs.items()]


def load_posts(base_url, server, addresses, args, scratch) -> list[dict]:
    if not addresses.post:
        return []
    status, _, body = site_load.get(base_url, "/comments/session/")
    stamp = json.loads(body)["shown_at"] if status == 200 else ""
    runs = [
        _wrk(
            base_url,
            addresses.post,
            scratch / "post.txt",
            args,
            # New words and readers every run: a kept database may hold
            # the last run's, and a repeat would count as a second click.
            post=(stamp, f"{server}{n}x{secrets.token_hex(3)}"),
        )
        for n in range(args.rounds)
    ]
    return [_row("post", server, site_load.median_run(runs))]


def _wrk(base_url, paths, listing, args, seconds=None, post=None):
    return site_load.run_wrk(
        base_url,
        paths,
        listing,
        seconds=seconds or args.duration,
        threads=args.threads,
        connections=args.connections,
        post=post,
    )


def _row(kind: str, server: str, run) -> dict:
    return {
        "kind": kind,
        "server": server,
        "rps": run.per_second,
        "p50": run.p50_ms,
        "p99": run.p99_ms,
        "requests": run.requests,
        "socket_errors": run.socket_errors,
        "bad_status": run.bad_status,
        "statuses": run.statuses,
        "hit_share": run.hit_share,
    }


def _add_ratios(rows: list[dict]) -> None:
    static = {r["server"]: r["rps"] for r in rows if r["kind"] == "static"}
    for row in rows:
        base = static.get(row["server"])
        row["vs_static"] = row["rps"] / base if base else None


def behind_nginx(args, env, addresses, scratch) -> dict | None:
    from bench import site_nginx

    if not shutil.which("nginx"):
        print("nginx: skipped, nginx is not installed (apt-get install nginx).")
        return None
    config = site_nginx.find_config(args.nginx_config)
    if config is None:
        print(
            f"nginx: skipped, no configuration with a proxy cache (proxy_cache_path)"
            f" in {args.nginx_config}."
        )
        return None
    proxied = {
        **env,
        "NEWSROOM_BEHIND_PROXY": "1",
        "NEWSROOM_CLIENT_IP_HEADER": "X-Forwarded-For",
    }
    server = site_load.start_gunicorn("nginx", proxied, scratch, gunicorn_options(args))
    proxy = None
    try:
        proxy = site_nginx.start(config, server.port, scratch / "nginx")
        print(
            f"nginx: in front, with {config.relative_to(ROOT) if config.is_relative_to(ROOT) else config}"
        )
        rows = load_pages(proxy.base_url, "nginx", addresses, args, scratch)
        rows += load_posts(proxy.base_url, "nginx", addresses, args, scratch)
        return {"rows": rows, "memory": server.worker_memory()}
    except RuntimeError as error:
        print(f"nginx: skipped, {error}")
        return None
    finally:
        if proxy:
            proxy.stop()
        server.stop()


# -- the peer ---------------------------------------------------------------------------


def run_peer(args: argparse.Namespace) -> dict | None:
    """Run the Wagtail peer's compare.sh; its req/s per row, or None."""
    script = Path(args.peer_script)
    script = (script if script.is_absolute() else ROOT / script).resolve()
    if not script.is_file():
        print(
            f"\nWagtail peer: skipped, {args.peer_script} is not there (relative to the "
            f"project root; set --peer-script or ${PEER_SCRIPT_ENV})."
        )
        return None
    print(f"\nWagtail peer: {script} (builds the peer once; a few minutes)", flush=True)
    found = site_load.run_compare(script)
    if found is None:
        print("Wagtail peer: compare.sh did not finish; no peer ratios.")
    return found


if __name__ == "__main__":
    sys.exit(main())
