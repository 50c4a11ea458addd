"""What each page costs Django itself, with the page cache off: in-process render times.

Runs inside Django, configured like the servers (DEBUG off, the same
database), through Django's test client, with the page cache turned off and
an empty cache of this process's own. For each page kind:

- first: each address once, nothing stored yet, so every fragment (the
  article's text, the cards, the menu) is rendered from the database;
- stored: each address again, ``rounds`` times over, assembled from the
  stored fragments: what a server with the page cache off does on every
  request, and what a cached page costs when it has just changed.

No network and no gunicorn: the figures are Django's own time, the number the
"cold article under 8 ms at 100,000 articles" goal is about.
"""

from __future__ import annotations

import statistics
import time


def _median_ms(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1000, 2)


def _p95_ms(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2)


def render_times(addresses, host: str, rounds: int = 5) -> dict[str, dict]:
    """Per page kind: first and stored medians, the stored p95, queries when stored."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST=host)
    results: dict[str, dict] = {}
    for number, (kind, paths) in enumerate(addresses.pages.items()):
        own_cache = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"site-render-{number}",
                "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            }
        }
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0, CACHES=own_cache):
            first, stored, queries, statuses = [], [], [], set()
            for path in paths:
                started = time.perf_counter()
                statuses.add(client.get(path).status_code)
                first.append(time.perf_counter() - started)
            for _ in range(rounds):
                for path in paths:
                    with CaptureQueriesContext(connection) as made:
                        started = time.perf_counter()
                        statuses.add(client.get(path).status_code)
                        stored.append(time.perf_counter() - started)
                    queries.append(len(made))
        results[kind] = {
            "first_ms": _median_ms(first),
            "stored_ms": _median_ms(stored),
            "stored_p95_ms": _p95_ms(stored),
            "queries": statistics.median(queries),
            "requests": len(first) + len(stored),
            "statuses": sorted(statuses),
        }
    return results


def print_render_times(render: dict[str, dict], labels: dict[str, str]) -> None:
    if not render:
        return
    print(
        "\nIn-process render times, page cache off (Django's test client, no network;"
        " ms):"
    )
    header = (
        f"  {'page':<22} {'first':>8} {'stored':>8} {'stored p95':>11} {'queries':>8}"
    )
    print(header)
    for kind, row in render.items():
        odd = "" if row["statuses"] == [200] else f"  (answered {row['statuses']})"
        print(
            f"  {labels[kind]:<22} {row['first_ms']:>8.2f} {row['stored_ms']:>8.2f}"
            f" {row['stored_p95_ms']:>11.2f} {row['queries']:>8g}{odd}"
        )
    print(
        "  first: nothing stored yet, every fragment rendered from the database;"
        " stored: assembled from stored fragments, as every request is with the"
        " page cache off."
    )
