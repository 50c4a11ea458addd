"""Loaded before Django starts (see pyproject.toml): the environment every test run needs."""

import os

# Settings require a secret key when DEBUG is off, as it is in tests.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
# Any lazy related-object load a page did not plan for raises in tests.
os.environ.setdefault("NEWSROOM_STRICT_FETCH", "1")
# Without Redis, tests keep the cache in each process's memory: test runs
# (and mutation runs, forked in parallel) must not share the default's folder.
# Tests of the file cache and servers started by tests choose their own.
if not os.environ.get("REDIS_URL", "").strip():
    os.environ.setdefault("NEWSROOM_CACHE_BACKEND", "memory")
# Test runs share one Redis with other runs; keep their keys apart.
os.environ.setdefault("NEWSROOM_CACHE_PREFIX", f"newsroom-test-{os.getpid()}")
# Tests talk plain HTTP to the site; production defaults would redirect them
# to HTTPS (tests that check those defaults start servers without this).
os.environ.setdefault("NEWSROOM_HTTPS", "0")
