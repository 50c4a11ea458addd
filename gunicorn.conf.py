"""gunicorn settings for production: gunicorn -c gunicorn.conf.py newsroom.wsgi

Every value can be overridden from the environment. Run it behind a buffering
reverse proxy (deploy/nginx.conf): gunicorn binds to 127.0.0.1 and leaves slow
clients, TLS and uploaded media to the proxy, so its threads only ever wait on
Django, whose database and cache waits are bounded by short timeouts
(README, "Security and operations").
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# A worker that stops checking in for this long is restarted. Requests end
# well before: the database and cache give up within seconds (settings.py).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a server down.
# Rarely: a new worker loads Django again (about a second of one core), so a
# busy server recycling every few thousand requests would spend its time on it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# Bounded request lines and headers: oversized ones get a 4xx before Django.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# nginx in front keeps the access log (deploy/nginx.conf); GUNICORN_ACCESS_LOG=-
# writes one here too, to standard output (it costs a little on every request).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The proxy's address: only from there is X-Forwarded-Proto believed.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
