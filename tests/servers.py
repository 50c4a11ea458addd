"""A real gunicorn for tests that need several worker processes at once.

Like tests/subprocesses.py, the server runs in a clean environment: never
with the developer's own settings, only with what the test passes. It serves
whatever database the test prepared; pytest-django's test database is not it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.subprocesses import PROJECT

# Straight to 127.0.0.1, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without Django or newsroom settings, plus ``env``."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_URL", "REDIS_URL"))
    }
    return {**kept, **env}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_url(
    request: urllib.request.Request | str, timeout: float
) -> tuple[int, dict, bytes]:
    """Status, headers and body; error statuses are answers too, not exceptions."""
    try:
        with _DIRECT.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


@dataclass(frozen=True)
class Server:
    url: str
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _wait_until_ready(
    process: subprocess.Popen, server: Server, timeout: float, *, healthy: bool
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {process.returncode}:\n{server.log_tail()}"
            )
        try:
            status, _, _ = open_url(f"{server.url}/healthz", timeout=5)
        except OSError:
            status = 0
        if status == 200 or (status and not healthy):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn not ready after {timeout} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    # Every request has been answered by now: gunicorn's quick shutdown.
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        # The server was started in a session of its own: its group is ours.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    log_dir: Path,
    workers: int = 3,
    threads: int = 1,
    startup_timeout: float = 20,
    plain_http: bool = True,
    require_healthy: bool = True,
) -> Iterator[Server]:
    """``gunicorn newsroom.wsgi`` with ``workers`` sync workers on a free local port.

    ``threads`` above 1 runs gthread workers, as production does. The site is
    served over plain HTTP (NEWSROOM_HTTPS=0) unless ``env`` says otherwise or
    ``plain_http`` is false, which leaves the production default. It is ready
    when /healthz answers 200, or answers at all if ``require_healthy`` is false
    (a test that starts it with a service down).
    """
    if plain_http:
        env = {"NEWSROOM_HTTPS": "0", **env}
    # Without Redis, the server's cache folder is its own unless the test shares one.
    env = {"NEWSROOM_CACHE_DIR": str(log_dir / "cache"), **env}
    port = free_port()
    # Not the project's gunicorn.conf.py (production settings): all on the command line.
    config = log_dir / "gunicorn_test_conf.py"
    config.write_text('"""Every setting is on the command line."""\n')
    log = log_dir / "gunicorn.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "--config", str(config)),
        *("--workers", str(workers)),
        *(
            ("--worker-class", "gthread", "--threads", str(threads))
            if threads > 1
            else ("--worker-class", "sync")
        ),
        *("--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5"),
        # No control socket: its default path is shared by every gunicorn of the user.
        "--no-control-socket",
        # Django is imported once, then the workers fork: a quicker start.
        "--preload",
        "newsroom.wsgi",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=clean_environment(**env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_ready(process, server, startup_timeout, healthy=require_healthy)
        yield server
    finally:
        _stop(process)
