"""The services the settings connect to: database, cache, media storage, e-mail.

Each function turns environment variables (and values the settings already
read) into the Django setting of the same name. A value that cannot work
raises ImproperlyConfigured naming the variable, so the server stops with a
clear message instead of failing on the first request.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int


def databases(
    base_dir: Path, *, connect_timeout: int, statement_timeout_ms: int, pool_size: int
) -> dict:
    """DATABASES: a SQLite file in the project unless DATABASE_URL says otherwise."""
    default_url = f"sqlite:///{base_dir / 'db.sqlite3'}"
    database = dj_database_url.parse(
        os.environ.get("DATABASE_URL") or default_url, conn_health_checks=True
    )
    # PostgreSQL: every request borrows a connection from the pool and gives
    # it back when it ends.
    database["CONN_MAX_AGE"] = 0
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite: each thread keeps its connection a while (checked before
        # reuse); opening one costs more than a page's queries.
        database["CONN_MAX_AGE"] = env_int("NEWSROOM_SQLITE_CONN_MAX_AGE", 600)
        database["OPTIONS"] = {
            # WAL lets readers carry on while an editor saves; IMMEDIATE avoids
            # "database is locked" errors when two writers upgrade at once.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            # How long to wait for another connection's lock before giving up.
            "timeout": statement_timeout_ms / 1000 or 20,
        }
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # Loaded only for PostgreSQL: a SQLite site never imports psycopg.
        from newsroom import database as bounded

        database["OPTIONS"] = {
            "connect_timeout": connect_timeout,
            **database.get("OPTIONS", {}),
            # psycopg's pool: each checkout proves the connection answers and
            # sets that use's statement timeout (newsroom/database.py).
            "pool": {
                "min_size": 1,
                "max_size": pool_size,
                # The bounded wait for a connection; then the request gets a 503.
                "timeout": connect_timeout,
                # No backoff of its own: a request that finds no connection
                # starts one attempt at most, so the pool is back as soon as
                # the server is.
                "reconnect_timeout": 0,
                "max_idle": 300,
                "connection_class": bounded.BoundedConnection,
                "check": bounded.check_connection,
                "name": "newsroom",
            },
        }
    return {"default": database}


def cache_backend(redis_url: str) -> str:
    """NEWSROOM_CACHE_BACKEND: redis when REDIS_URL is set, else files."""
    chosen = os.environ.get("NEWSROOM_CACHE_BACKEND", "").strip().lower()
    chosen = chosen or ("redis" if redis_url else "files")
    if chosen not in ("redis", "files", "memory"):
        raise ImproperlyConfigured(
            f"NEWSROOM_CACHE_BACKEND must be redis, files or memory, not {chosen!r}."
        )
    if chosen == "redis" and not redis_url:
        raise ImproperlyConfigured("NEWSROOM_CACHE_BACKEND=redis needs REDIS_URL.")
    return chosen


def caches(
    backend: str,
    *,
    redis_url: str,
    folder: Path,
    prefix: str,
    timeout_ms: int,
    max_files: int,
) -> dict:
    """CACHES: every entry bounded in lifetime and size (newsroom/cache_backends.py)."""
    options = {
        "redis": {
            "BACKEND": "newsroom.cache_backends.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {
                "socket_connect_timeout": timeout_ms / 1000,
                "socket_timeout": timeout_ms / 1000,
            },
        },
        "files": {
            "BACKEND": "newsroom.cache_backends.FileCache",
            "LOCATION": str(folder),
            "OPTIONS": {"MAX_ENTRIES": max_files},
        },
        "memory": {
            "BACKEND": "newsroom.cache_backends.LocMemCache",
            "LOCATION": "newsroom",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }[backend]
    return {"default": {**options, "KEY_PREFIX": prefix, "TIMEOUT": 300}}


def media_storage(kind: str) -> dict:
    """STORAGES["default"]: this machine's disk, or an S3-compatible store."""
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"NEWSROOM_MEDIA_STORAGE must be local or s3, not {kind!r}."
        )
    bucket = os.environ.get("NEWSROOM_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "NEWSROOM_MEDIA_STORAGE=s3 needs NEWSROOM_S3_BUCKET."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Another S3-compatible service (MinIO, R2, Spaces…); empty: AWS.
            "endpoint_url": os.environ.get("NEWSROOM_S3_ENDPOINT_URL", "").strip()
            or None,
            "region_name": os.environ.get("NEWSROOM_S3_REGION", "").strip() or None,
            # Files under this folder of the bucket.
            "location": os.environ.get("NEWSROOM_S3_PREFIX", "media").strip("/ "),
            # Public addresses on this host (a CDN), else the bucket's own.
            "custom_domain": os.environ.get("NEWSROOM_S3_CUSTOM_DOMAIN", "").strip()
            or None,
            # Images are public: plain addresses, which pages can be cached with.
            "querystring_auth": env_bool("NEWSROOM_S3_SIGNED_URLS", False),
            # Never replace a file of the same name: pages point at the old one.
            "file_overwrite": False,
            "default_acl": None,
        },
    }


def mailers(debug: bool) -> dict:
    """MAILERS: the console in development; SMTP in production.

    SMTP on NEWSROOM_EMAIL_HOST, or else the machine's own mail server
    (localhost:25).
    """
    host = os.environ.get("NEWSROOM_EMAIL_HOST", "").strip()
    if debug and not host:
        return {
            "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": host or "localhost",
                "port": env_int("NEWSROOM_EMAIL_PORT", 587 if host else 25),
                "username": os.environ.get("NEWSROOM_EMAIL_USER", ""),
                "password": os.environ.get("NEWSROOM_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("NEWSROOM_EMAIL_USE_TLS", bool(host)),
                "timeout": 10,
            },
        }
    }
