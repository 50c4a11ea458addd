#!/usr/bin/env python3
"""Lighthouse on what a reader's phone loads: ``make bench ARGS="lighthouse"``.

Starts the site as deployed (gunicorn with gunicorn.conf.py, DEBUG off,
collected static files) on a scratch SQLite database with the demo content,
then runs Lighthouse's mobile profile (its default: an emulated mid-range
phone on a throttled 4G connection, the CPU slowed four times) on the front
page, a category, the sample article and a search, and prints the four
category scores with the main timings and the bytes sent.

Lighthouse itself (npm package ``lighthouse@12.2.3``) is installed once
into ``var/lighthouse/`` with npm; the browser is Debian's Chromium
(``--chrome``). Each page is measured ``--runs`` times and the median run
(by performance score) is shown. Nothing here is part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import site_load  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
AUDITS = (
    ("largest-contentful-paint", "LCP"),
    ("first-contentful-paint", "FCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
)
# Finds the pages on the demo site: a category, the sample article, a search.
_FIND_PAGES = (
    "from articles.models import Article, Category; "
    "article = Article.objects.published().filter(title__icontains='peace')"
    ".order_by('-published_at').first() or Article.objects.published().first(); "
    "print(Category.objects.order_by('position', 'name').first().get_absolute_url()); "
    "print(article.get_absolute_url())"
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='make bench ARGS="lighthouse"', description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per page; the median is shown (3)"
    )
    parser.add_argument(
        "--chrome", default="/usr/bin/chromium", help="the browser (/usr/bin/chromium)"
    )
    parser.add_argument(
        "--reports",
        type=Path,
        help="keep each run's JSON report in this folder",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def lighthouse_cli() -> Path:
    """The Lighthouse command line, installed into var/lighthouse/ when missing."""
    folder = ROOT / "var" / "lighthouse"
    cli = folder / "node_modules" / "lighthouse" / "cli" / "index.js"
    installed = folder / "node_modules" / "lighthouse" / "package.json"
    if installed.is_file() and (
        json.loads(installed.read_text()).get("version") == LIGHTHOUSE_VERSION
    ):
        return cli
    if not shutil.which("npm"):
        raise SystemExit("npm is needed to install Lighthouse (apt-get install npm).")
    print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into var/lighthouse/ (once)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(folder),
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return cli


def prepare_site(scratch: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A scratch database with the demo content; the environment and the pages."""
    env = site_load.clean_environment(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="lighthouse-" + os.urandom(24).hex(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        NEWSROOM_HTTPS="0",
        DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
        NEWSROOM_CACHE_DIR=str(scratch / "cache"),
        NEWSROOM_STATIC_ROOT=str(scratch / "static"),
        NEWSROOM_MEDIA_ROOT=str(scratch / "media"),
        NEWSROOM_TASKS="immediate",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    found = subprocess.run(
        [*manage, "shell", "-v", "0", "-c", _FIND_PAGES],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    category, article = found[-2:]
    pages = [
        ("front page", "/"),
        ("category", category),
        ("article", article),
        ("search", "/search/?q=peace+talks"),
    ]
    return env, pages


# Tries per run: Lighthouse's trace recording fails now and then.
ATTEMPTS = 3


def audit(cli: Path, chrome: str, url: str, output: Path) -> dict:
    """One Lighthouse run (mobile): scores out of 100 and the main timings.

    Lighthouse now and then fails to record the page's trace (NO_NAVSTART)
    and asks to be run again: a run is tried up to ATTEMPTS times.
    """
    for attempt in range(1, ATTEMPTS + 1):
        finished = subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={output}",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env={**os.environ, "CHROME_PATH": chrome},
        )
        if finished.returncode == 0:
            break
        print(f"  Lighthouse failed on {url} (attempt {attempt} of {ATTEMPTS})")
    else:
        raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}")
    report = json.loads(output.read_text())
    result = {
        name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES
    }
    for audit_id, label in AUDITS:
        result[label] = report["audits"][audit_id]["displayValue"].replace("\xa0", " ")
    result["bytes"] = report["audits"]["total-byte-weight"]["numericValue"]
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(args.chrome).is_file():
        print(f"No browser at {args.chrome} (apt-get install chromium).")
        return 1
    cli = lighthouse_cli()
    with tempfile.TemporaryDirectory(prefix="newsroom-lighthouse-") as folder:
        scratch = Path(folder)
        env, pages = prepare_site(scratch)
        server = site_load.start_gunicorn("lighthouse", env, scratch, [])
        try:
            rows = []
            for label, path in pages:
                runs = []
                for n in range(args.runs):
                    output = scratch / f"{label.replace(' ', '-')}-{n}.json"
                    runs.append(audit(cli, args.chrome, server.base_url + path, output))
                    if args.reports:
                        args.reports.mkdir(parents=True, exist_ok=True)
                        shutil.copy(output, args.reports / output.name)
                by_score = sorted(runs, key=lambda run: run["performance"])
                median = by_score[len(by_score) // 2]
                spread = [run["performance"] for run in runs]
                rows.append((label, path, median, spread))
                print(f"{label}: done", flush=True)
        finally:
            server.stop()
    print()
    print(
        "| page | performance | accessibility | best practices | SEO "
        "| LCP | FCP | TBT | CLS | bytes | performance, each run |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, path, run, spread in rows:
        print(
            f"| {label} (`{path}`) | {run['performance']} | {run['accessibility']} "
            f"| {run['best-practices']} | {run['seo']} | {run['LCP']} | {run['FCP']} "
            f"| {run['TBT']} | {run['CLS']} | {run['bytes'] / 1024:.1f} KB "
            f"| {', '.join(map(str, spread))} (median {statistics.median(spread):g}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
