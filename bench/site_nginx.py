"""nginx in front of the benchmark's gunicorn, with the proxy cache from deploy/.

Optional: it runs only when nginx is installed and a configuration in
deploy/ sets up a proxy cache (a ``proxy_cache_path`` line). That file is
written for a real server (TLS, ports 80 and 443, paths under /srv and
/var), so a copy is adapted to run unprivileged on 127.0.0.1:

- the upstream's ``127.0.0.1:8000`` (or ``localhost:8000``) becomes the
  benchmark's gunicorn;
- the TLS server listens on a free port on 127.0.0.1 without TLS (its
  ``ssl_*`` lines and ``http2`` go); the plain-HTTP server on another free
  port; IPv6 listeners go;
- the proxy cache, temporary files, logs and pid file live in the
  benchmark's scratch folder.

Everything else (buffering, the cache's keys, lifetimes and bypass rules) is
used as written, so the figures are those of the deployed proxy.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.site_load import free_port, get

CACHE_LINE = re.compile(r"^\s*proxy_cache_path\s", re.MULTILINE)


def find_config(where: Path) -> Path | None:
    """The given file, or the first ``*.conf`` under ``where`` with a proxy cache."""
    if where.is_file():
        return where if CACHE_LINE.search(where.read_text()) else None
    if not where.is_dir():
        return None
    for path in sorted(where.rglob("*.conf")):
        if CACHE_LINE.search(path.read_text(errors="replace")):
            return path
    return None


def local_config(
    text: str, *, upstream: int, listen: int, spare: int, folder: Path
) -> str:
    """The deployed configuration, made to run on 127.0.0.1 from ``folder``."""
    lines = []
    for line in text.splitlines():
        directive = line.split("#", 1)[0].strip()
        if directive.startswith("listen"):
            if "[::" in directive:
                continue
            port = (
                listen if re.search(r"\b443\b|\bssl\b|\bquic\b", directive) else spare
            )
            line = f"    listen 127.0.0.1:{port};"
        elif directive.startswith(("ssl_", "http2 ", "quic")):
            continue
        elif directive.startswith("proxy_cache_path"):
            line = re.sub(
                r"proxy_cache_path\s+\S+",
                f"proxy_cache_path {folder / 'proxy-cache'}",
                line,
            )
        elif directive.startswith("access_log"):
            line = "    access_log off;"
        elif directive.startswith("error_log"):
            line = f"    error_log {folder / 'nginx-error.log'} warn;"
        elif directive.startswith("server ") and re.search(
            r"(127\.0\.0\.1|localhost):\d+", directive
        ):
            line = re.sub(
                r"(127\.0\.0\.1|localhost):\d+", f"127.0.0.1:{upstream}", line
            )
        lines.append(line)
    mime = (
        "include /etc/nginx/mime.types;"
        if Path("/etc/nginx/mime.types").exists()
        else ""
    )
    temp = "\n".join(
        f"    {name}_temp_path {folder / (name + '-temp')};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    adapted = "\n".join(lines)
    return f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log off;
{temp}
{adapted}
}}
"""


@dataclass
class Proxy:
    process: subprocess.Popen
    port: int
    folder: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start(source: Path, upstream: int, folder: Path) -> Proxy:
    """Start nginx in the foreground; raises RuntimeError with nginx's words if it cannot."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    folder.mkdir(parents=True, exist_ok=True)
    # nginx's workers drop root and must reach the cache and temporary files.
    folder.chmod(0o755)
    folder.parent.chmod(0o755)
    listen = free_port()
    config = folder / "nginx.conf"
    config.write_text(
        local_config(
            source.read_text(),
            upstream=upstream,
            listen=listen,
            spare=free_port(),
            folder=folder,
        )
    )
    base = [nginx, "-p", str(folder), "-c", str(config)]
    checked = subprocess.run([*base, "-t"], capture_output=True, text=True)
    if checked.returncode:
        raise RuntimeError(
            f"nginx -t refused the adapted {source.name}:\n{checked.stderr}"
        )
    process = subprocess.Popen(
        [*base, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx-stderr.log").open("w"),
        start_new_session=True,
    )
    proxy = Proxy(process, listen, folder)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                "nginx exited:\n" + (folder / "nginx-stderr.log").read_text()
            )
        try:
            if get(proxy.base_url, "/healthz", timeout=5)[0] == 200:
                return proxy
        except OSError:
            pass
        time.sleep(0.2)
    proxy.stop()
    raise RuntimeError("nginx did not answer /healthz through the proxy")
