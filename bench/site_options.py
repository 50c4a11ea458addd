"""The command line of ``bench/site_bench.py``: what to fill, where, and how hard to load it."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_PG_DATABASE = "newsroom_bench_site"
PEER_SCRIPT_ENV = "NEWSROOM_BENCH_PEER_SCRIPT"
DEFAULT_PEER_SCRIPT = "../shared/peers-wagtail/compare.sh"
DATABASES = ("sqlite", "postgresql")
# The second gunicorn's page cache switch, as compare.sh sets it.
UNCACHED_ENV = ("NEWSROOM_PAGE_CACHE_SECONDS=0",)
# Options the parent passes on to each database's process.
FORWARDED = (
    *("articles", "comments", "seed", "scheduled_every", "pg_admin_url"),
    *("pg_database", "duration", "warmup", "rounds", "threads", "connections"),
    *("workers", "worker_class", "worker_threads", "max_requests", "paths"),
    *("readers", "nginx_config", "reuse"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="The whole site under load: a realistic archive served by gunicorn, driven by wrk.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    size = parser.add_argument_group("the archive")
    size.add_argument("--articles", type=int, default=100_000, help="articles")
    size.add_argument("--comments", type=int, default=1_000_000, help="comments")
    size.add_argument("--seed", type=int, default=11, help="same seed, same archive")
    size.add_argument(
        "--scheduled-every",
        type=int,
        default=100,
        help="one article in this many is scheduled for later (0: none)",
    )
    where = parser.add_argument_group("the database")
    where.add_argument(
        "--database", choices=[*DATABASES, "both"], default="both", help="which"
    )
    where.add_argument(
        "--redis",
        default="",
        metavar="URL",
        help="the cache for PostgreSQL (with --database both) or for the one "
        "database chosen; otherwise the settings' default (files shared by the workers)",
    )
    where.add_argument(
        "--pg-admin-url",
        default=DEFAULT_PG_ADMIN_URL,
        help="a PostgreSQL database to connect to while creating the scratch one",
    )
    where.add_argument(
        "--pg-database",
        default=DEFAULT_PG_DATABASE,
        help="scratch database, created and dropped (its name must contain 'bench')",
    )
    where.add_argument("--keep", action="store_true", help="keep the scratch database")
    where.add_argument(
        "--reuse", metavar="DATABASE_URL", help="measure a database kept by --keep"
    )
    where.add_argument(
        "--fill-only", action="store_true", help="fill, time it, and stop"
    )
    load = parser.add_argument_group("the load")
    load.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    load.add_argument("--warmup", type=float, default=3, help="seconds per page kind")
    load.add_argument("--rounds", type=int, default=1, help="runs per row; the median")
    load.add_argument("--threads", type=int, default=2, help="wrk threads")
    load.add_argument("--connections", type=int, default=16, help="wrk connections")
    load.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    load.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    load.add_argument(
        "--worker-threads", type=int, default=1, help="threads per gthread worker"
    )
    load.add_argument(
        "--max-requests",
        type=int,
        default=0,
        help="recycle a worker after this many requests (gunicorn.conf.py: 100000;"
        " 0: never, so that no row pays for a worker's restart)",
    )
    load.add_argument(
        "--paths", type=int, default=50, help="addresses per page kind, cycled"
    )
    load.add_argument(
        "--readers", type=int, default=100, help="readers at once after an edit"
    )
    load.add_argument(
        "--render-rounds",
        type=int,
        default=5,
        help="in-process renders of each address with the page cache off",
    )
    load.add_argument(
        "--uncached-env",
        action="append",
        metavar="NAME=VALUE",
        help="how the second gunicorn turns the page cache off (repeatable; "
        f"default {' '.join(UNCACHED_ENV)})",
    )
    load.add_argument("--no-nginx", action="store_true", help="skip the nginx runs")
    load.add_argument(
        "--nginx-config",
        type=Path,
        default=ROOT / "deploy",
        help="a file, or a folder searched for a *.conf with proxy_cache_path",
    )
    peer = parser.add_argument_group("the Wagtail peer")
    peer.add_argument(
        "--peer", action="store_true", help="also run the peer's compare.sh"
    )
    peer.add_argument(
        "--peer-script",
        default=os.environ.get(PEER_SCRIPT_ENV) or DEFAULT_PEER_SCRIPT,
        help=f"compare.sh, relative to the project root (or ${PEER_SCRIPT_ENV})",
    )
    parser.add_argument("--results-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reuse:
        vendor = "sqlite" if args.reuse.startswith("sqlite") else "postgresql"
        if args.database not in (vendor, "both"):
            parser.error(f"--reuse {args.reuse} is a {vendor} database")
        args.database = vendor
    if "bench" not in args.pg_database or not re.fullmatch(r"\w+", args.pg_database):
        parser.error("--pg-database must be letters, digits and _ and contain 'bench'")
    args.uncached_env = args.uncached_env or list(UNCACHED_ENV)
    if not all("=" in pair for pair in args.uncached_env):
        parser.error("--uncached-env takes NAME=VALUE")
    if min(args.articles, args.paths, args.rounds, args.readers) < 1:
        parser.error("--articles, --paths, --rounds and --readers must be at least 1")
    return args
