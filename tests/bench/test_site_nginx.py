"""The site benchmark's copy of deploy/'s nginx configuration, made to run locally."""

from pathlib import Path

from bench.site_nginx import find_config, local_config

DEPLOYED = """
proxy_cache_path /var/cache/nginx/newsroom levels=1:2 keys_zone=pages:10m;
upstream newsroom_app {
    server 127.0.0.1:8000;
}
server {
    listen 80 default_server;
    listen [::]:80 default_server;
    return 301 https://news.example.org$request_uri;
}
server {
    listen 443 ssl;
    listen [::]:443 ssl;
    http2 on;
    ssl_certificate /etc/letsencrypt/live/news.example.org/fullchain.pem;
    access_log /var/log/nginx/newsroom.log;
    location / {
        proxy_pass http://newsroom_app;
        proxy_cache pages;
    }
}
"""


def test_local_config_runs_on_loopback_without_tls(tmp_path):
    text = local_config(
        DEPLOYED, upstream=9001, listen=9002, spare=9003, folder=tmp_path
    )
    assert "server 127.0.0.1:9001;" in text
    assert "listen 127.0.0.1:9002;" in text
    assert "listen 127.0.0.1:9003;" in text
    assert f"proxy_cache_path {tmp_path / 'proxy-cache'} levels=1:2" in text
    for gone in ("[::]", "ssl", "http2", "/var/log/nginx", "/var/cache"):
        assert gone not in text
    # What the proxy does stays as deployed.
    assert "proxy_cache pages;" in text
    assert "return 301 https://news.example.org$request_uri;" in text


def test_find_config_wants_a_proxy_cache(tmp_path):
    (tmp_path / "nginx.conf").write_text("upstream app { server 127.0.0.1:8000; }\n")
    assert find_config(tmp_path) is None
    cached = tmp_path / "nginx-cache.conf"
    cached.write_text(DEPLOYED)
    assert find_config(tmp_path) == cached
    assert find_config(tmp_path / "nginx.conf") is None
    assert find_config(Path(tmp_path / "missing")) is None
