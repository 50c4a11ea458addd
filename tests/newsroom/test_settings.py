"""Settings come from the environment; bad values stop the server with a clear message."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_time_zone,
)
from tests.subprocesses import PROJECT, manage


def test_env_helpers_reject_malformed_values(monkeypatch):
    monkeypatch.setenv("NEWSROOM_X", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="boolean"):
        env_bool("NEWSROOM_X", False)
    monkeypatch.setenv("NEWSROOM_X", "12abc")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("NEWSROOM_X", 1)
    monkeypatch.setenv("NEWSROOM_X", "Mars/Olympus_Mons")
    with pytest.raises(ImproperlyConfigured, match="time zone name"):
        env_time_zone("NEWSROOM_X", "UTC")
    monkeypatch.setenv("NEWSROOM_X", "loud")
    with pytest.raises(ImproperlyConfigured, match="one of DEBUG"):
        env_choice("NEWSROOM_X", "INFO", ("DEBUG", "INFO"))
    monkeypatch.delenv("NEWSROOM_X")
    with pytest.raises(ImproperlyConfigured, match="not set"):
        env_secret("NEWSROOM_X", required=True, dev_default="x")


def test_env_helpers_accept_good_values(monkeypatch):
    monkeypatch.setenv("NEWSROOM_X", " a.example , b.example,, ")
    assert env_list("NEWSROOM_X", []) == ["a.example", "b.example"]
    monkeypatch.setenv("NEWSROOM_X", "Yes")
    assert env_bool("NEWSROOM_X", False) is True
    monkeypatch.setenv("NEWSROOM_X", "America/New_York")
    assert env_time_zone("NEWSROOM_X", "UTC") == "America/New_York"
    monkeypatch.setenv("NEWSROOM_X", "warning")
    assert env_choice("NEWSROOM_X", "INFO", ("INFO", "WARNING")) == "WARNING"


_SHOW = (
    "from django.conf import settings; from django.db import connection; "
    "print(settings.DATABASES['default']['ENGINE']); "
    "print(settings.CACHES['default']['BACKEND'])"
)


def test_default_database_is_sqlite_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    check = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = manage("shell", "-v", "0", "-c", check, DATABASE_URL=url)
    assert result.stdout.strip() == "wal", result.stderr
    result = manage("shell", "-v", "0", "-c", _SHOW)
    engine, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    # Shared by every process of the machine (several gunicorn workers).
    assert cache == "newsroom.cache_backends.FileCache"


def test_database_and_cache_urls_select_postgresql_and_redis():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        _SHOW,
        DATABASE_URL="postgres://editor:secret@db.example.org:5432/news",
        REDIS_URL="redis://cache.example.org:6379/0",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "newsroom.cache_backends.RedisCache",
    ], result.stderr


def test_bad_settings_stop_the_server_with_the_variable_named():
    result = manage("check", NEWSROOM_TIME_ZONE="Europe/Atlantis")
    assert result.returncode != 0
    assert "NEWSROOM_TIME_ZONE must be a time zone name" in result.stderr


def _fake_python(folder: Path, name: str, *, modern: bool) -> None:
    script = folder / name
    # Answers the version check the Makefile asks: exit 0 only for 3.12+.
    script.write_text(f"#!/bin/sh\nexit {0 if modern else 1}\n")
    script.chmod(0o755)


@pytest.mark.parametrize(
    ("interpreters", "expected"),
    [
        ({"python3": False, "python3.12": True}, "python3.12"),
        ({"python3": True}, "python3"),
        ({"python3": False, "python3.11": False}, None),
    ],
)
def test_make_finds_a_modern_python_or_says_so(tmp_path, interpreters, expected):
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("ls", "sort"):
        (tools / tool).symlink_to(shutil.which(tool))
    for name, modern in interpreters.items():
        _fake_python(tools, name, modern=modern)
    result = subprocess.run(
        [shutil.which("make"), "-s", "-C", str(PROJECT), "which-python"],
        env={"PATH": str(tools), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if expected is None:
        assert result.returncode != 0
        assert "No Python 3.12 or newer found" in result.stderr
    else:
        assert result.stdout.strip() == str(tools / expected)


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_deploy_check_is_clean_with_a_real_key_and_https():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="k" * 20
        + "-Z9x!q2@w3#e4$r5%t6^y7&u8*i9(o0)p-long-and-random",
        DJANGO_ALLOWED_HOSTS="news.example",
        NEWSROOM_HTTPS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_connections_are_kept_and_postgresql_ones_pooled(tmp_path, monkeypatch):
    from newsroom.services import databases

    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite = databases(
        tmp_path, connect_timeout=5, statement_timeout_ms=5000, pool_size=4
    )["default"]
    # Opening a SQLite connection costs more than a page's queries.
    assert sqlite["CONN_MAX_AGE"] > 0 and sqlite["CONN_HEALTH_CHECKS"]
    monkeypatch.setenv("NEWSROOM_SQLITE_CONN_MAX_AGE", "0")
    fresh = databases(
        tmp_path, connect_timeout=5, statement_timeout_ms=5000, pool_size=4
    )["default"]
    assert fresh["CONN_MAX_AGE"] == 0  # a connection per request
    monkeypatch.setenv("DATABASE_URL", "postgres://editor@db.example.org:5432/news")
    postgresql = databases(
        tmp_path, connect_timeout=5, statement_timeout_ms=5000, pool_size=4
    )["default"]
    # Django's pool refuses persistent connections: each request borrows one.
    assert postgresql["CONN_MAX_AGE"] == 0
    assert postgresql["OPTIONS"]["pool"]["max_size"] == 4
