"""deploy/nginx.conf is a configuration nginx accepts, with its page cache as documented."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.subprocesses import PROJECT

CONFIG = PROJECT / "deploy" / "nginx.conf"


def test_the_proxy_cache_keeps_public_pages_only_and_refreshes_in_the_background():
    text = CONFIG.read_text()
    for directive in (
        "proxy_cache_path ",
        "proxy_cache newsroom_pages;",
        "proxy_cache_valid ",
        "proxy_no_cache $newsroom_not_public;",
        "proxy_cache_use_stale updating ",
        "proxy_cache_background_update on;",
        "proxy_cache_lock on;",
        "proxy_cache_revalidate on;",
        "gzip off;",
    ):
        assert directive in text, directive
    # Nothing tells nginx to ignore the app's Cache-Control or Set-Cookie.
    assert "proxy_ignore_headers" not in text


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")),
    reason="nginx and openssl are not installed (apt-get install nginx openssl)",
)
def test_nginx_accepts_the_configuration(tmp_path: Path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    files = ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=news.example"]
    made = subprocess.run(
        ["openssl", *request, *files],
        capture_output=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    # The places marked CHANGE, pointed at this test's folder.
    site = CONFIG.read_text()
    site = re.sub(r"/etc/letsencrypt/\S+/fullchain\.pem", str(cert), site)
    site = re.sub(r"/etc/letsencrypt/\S+/privkey\.pem", str(key), site)
    site = site.replace("/var/cache/nginx/newsroom", str(tmp_path / "cache"))
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
