import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from newsroom.settings import env_bool, env_int, env_list, env_secret

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_send_security_headers(anon):
    response = anon.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=%00", "page=1%00", "x=a%00b"])
def test_nul_bytes_in_the_address_are_refused(anon, query):
    response = anon.get(f"/?{query}")
    assert response.status_code == 400
    assert "couldn’t understand" in response.content.decode()


@pytest.mark.django_db
def test_oversized_request_bodies_are_refused_before_reading(anon, settings):
    settings.NEWSROOM_MAX_REQUEST_BYTES = 1000
    response = anon.post("/", data="x" * 5000, content_type="text/plain")
    assert response.status_code == 413
    assert "too large" in response.content.decode()


@pytest.mark.django_db
def test_unknown_host_is_a_bad_request():
    client = Client(raise_request_exception=False)
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_env_helpers_reject_malformed_values(monkeypatch):
    monkeypatch.setenv("NEWSROOM_X", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="boolean"):
        env_bool("NEWSROOM_X", False)
    monkeypatch.setenv("NEWSROOM_X", "12abc")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("NEWSROOM_X", 1)
    monkeypatch.setenv("NEWSROOM_X", " a.example , b.example,, ")
    assert env_list("NEWSROOM_X", []) == ["a.example", "b.example"]
    monkeypatch.delenv("NEWSROOM_X")
    with pytest.raises(ImproperlyConfigured, match="not set"):
        env_secret("NEWSROOM_X", required=True, dev_default="x")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_deploy_check_is_clean_with_a_real_key_and_https():
    result = _manage(
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
