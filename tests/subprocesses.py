"""Run manage.py in a child process, as an operator would, never with the developer's own settings."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# Commands share a cache folder of this test run's own, never the project's.
CACHE_DIR = Path(tempfile.gettempdir()) / f"newsroom-test-cache-{os.getpid()}"
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py *args`` in a clean environment plus ``env``; output captured as text."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={
            "DJANGO_SECRET_KEY": "subprocess-test",
            "NEWSROOM_CACHE_DIR": str(CACHE_DIR),
            **clean,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
