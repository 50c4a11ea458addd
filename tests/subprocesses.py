"""Run manage.py in a child process, as an operator would, never with the developer's own settings."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


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
        env={"DJANGO_SECRET_KEY": "subprocess-test", **clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
