"""Servers and load for the site benchmark: gunicorn, wrk, worker memory.

Nothing here imports Django: these helpers start processes, drive them over
127.0.0.1 and read /proc. ``bench/site_bench.py`` decides what to run.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "site_wrk.lua"
WRK_MISSING = "wrk is needed: apt-get install wrk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without Django or Newsroom settings, plus ``env``.

    The servers run with what the benchmark sets and nothing a developer's
    shell happens to hold (a DATABASE_URL pointing at real data, say).
    """
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_URL", "REDIS_URL"))
    }
    return {**kept, **env}


@dataclass
class Server:
    """A running gunicorn: its master process, address and log."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def worker_memory(self) -> dict[str, float]:
        """Resident memory (MB) of the master and each worker, from /proc."""
        master = self.process.pid
        found = {"master": _rss_mb(master)}
        workers = sorted(pid for pid in _children(master))
        for n, pid in enumerate(workers, 1):
            found[f"worker {n}"] = _rss_mb(pid)
        return found

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def start_gunicorn(
    name: str, env: dict[str, str], folder: Path, options: list[str]
) -> Server:
    """gunicorn with the project's production configuration (gunicorn.conf.py).

    The address and log are chosen here and ``options`` (workers, their kind,
    recycling) are added to the command line; timeouts and request limits
    stay as deployed.
    """
    port = free_port()
    log = folder / f"gunicorn-{name}.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "-c",
        str(PROJECT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        *options,
        "newsroom.wsgi",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({name}) exited:\n{server.log_tail(200)}")
        try:
            status, _, _ = get(server.base_url, "/healthz", timeout=5)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(
        f"gunicorn ({name}) did not answer /healthz:\n{server.log_tail()}"
    )


def get(
    base_url: str, path: str, timeout: float = 30, headers: dict | None = None
) -> tuple[int, dict[str, str], bytes]:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# -- wrk -------------------------------------------------------------------------


@dataclass
class LoadResult:
    """One wrk run: throughput, latency (ms), errors and cache answers."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    bad_status: int
    statuses: dict[str, int]
    cache: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad_status

    @property
    def hit_share(self) -> float | None:
        """Of the answers the page cache labelled, the share it served from a copy."""
        copies = self.cache["hit"] + self.cache["stale"]
        seen = copies + self.cache["miss"]
        return copies / seen if seen else None


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    base_url: str,
    addresses: list[str],
    listing: Path,
    *,
    seconds: float,
    threads: int,
    connections: int,
    post: tuple[str, str] | None = None,
) -> LoadResult:
    """Drive ``addresses`` (cycled) for ``seconds``; ``post`` = (stamp, tag) posts comments.

    ``listing`` is the file the addresses are written to for the script.
    """
    listing.write_text("\n".join(addresses) + "\n")
    extra = [str(listing), "post", *post] if post else [str(listing), "get"]
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        base_url,
        "--",
        *extra,
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60
    )
    line = next(
        (ln for ln in finished.stdout.splitlines() if ln.startswith("WRK ")), None
    )
    if line is None:
        raise RuntimeError(
            f"wrk gave no summary (exit {finished.returncode}):\n"
            f"{finished.stdout[-2000:]}\n{finished.stderr[-2000:]}"
        )
    data = json.loads(line[4:])
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        bad_status=data["status"],
        statuses={k: data[k] for k in ("s2", "s3", "s4", "s5")},
        cache={k: data[k] for k in ("hit", "stale", "miss", "other")},
    )


def median_run(runs: list[LoadResult]) -> LoadResult:
    """The run with the median throughput (the middle one of an odd number)."""
    ordered = sorted(runs, key=lambda r: r.per_second)
    return ordered[(len(ordered) - 1) // 2]


# -- readers after an edit ----------------------------------------------------------


@dataclass
class BurstResult:
    answers: Counter  # X-Cache header (or status, or error) -> readers
    p50_ms: float
    max_ms: float

    @property
    def renders(self) -> int:
        return self.answers["miss"]


def readers_at_once(base_url: str, path: str, readers: int) -> BurstResult:
    """``readers`` simultaneous GETs of ``path``; the X-Cache answers they got.

    Each reader opens its own connection, then all send together (a barrier),
    as a burst of readers does after a popular page changes. ``miss`` counts
    renders: the page cache answers ``hit`` for a stored copy.
    """
    host, port = base_url.removeprefix("http://").split(":")
    barrier = threading.Barrier(readers)
    answers: Counter = Counter()
    timings: list[float] = []
    lock = threading.Lock()

    def read() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            barrier.wait(timeout=30)
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            label = response.getheader("X-Cache") or "no header"
            if response.status != 200:
                label = f"status {response.status}"
        except (OSError, threading.BrokenBarrierError) as error:
            label, started = f"error {type(error).__name__}", time.perf_counter()
        finally:
            connection.close()
        with lock:
            answers[label] += 1
            timings.append((time.perf_counter() - started) * 1000)

    workers = [threading.Thread(target=read) for _ in range(readers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return BurstResult(answers, statistics.median(timings), max(timings))


# -- the Wagtail peer ---------------------------------------------------------------


def run_compare(script: Path) -> dict[str, float] | None:
    """Run the peer's compare.sh on this project, showing its output as it comes.

    Returns its req/s per row (static, cached, cold, wagtail,
    wagtail_healthz), or None if it failed.
    """
    process = subprocess.Popen(
        ["bash", str(script), str(PROJECT)],
        cwd=PROJECT,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    rows = ("static", "cached", "cold", "wagtail", "wagtail_healthz")
    found = {}
    for line in process.stdout:
        print("  " + line.rstrip(), flush=True)
        parts = line.split()
        if len(parts) >= 2 and parts[0] in rows:
            with contextlib.suppress(ValueError):
                found[parts[0]] = float(parts[1])
    if process.wait() or "wagtail" not in found:
        return None
    return found
