"""What app servers share, chosen from the environment: cache, sessions, media.

Settings are read by ``manage.py`` in a clean environment, as an operator
would run it; nothing here reaches the network.
"""

import json

from tests.subprocesses import manage

_SHOW = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'cache': settings.CACHES['default'], 'sessions': settings.SESSION_ENGINE, "
    "'media': settings.STORAGES['default'], "
    "'pages': [settings.NEWSROOM_PAGE_STALE_SECONDS, "
    "settings.NEWSROOM_SHARED_CACHE_SECONDS, settings.NEWSROOM_BROWSER_CACHE_SECONDS]"
    "}))"
)


def _settings(**env: str) -> dict:
    result = manage("shell", "-v", "0", "-c", _SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_share_everything_between_the_processes_of_a_machine(tmp_path):
    shown = _settings(NEWSROOM_CACHE_DIR=str(tmp_path / "pages"))
    assert shown["cache"]["BACKEND"] == "newsroom.cache_backends.FileCache"
    assert shown["cache"]["LOCATION"] == str(tmp_path / "pages")
    assert shown["sessions"] == "django.contrib.sessions.backends.db"
    assert shown["media"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert shown["pages"] == [5, 5, 0]


def test_media_can_live_in_an_s3_compatible_store_shared_by_every_server():
    shown = _settings(
        NEWSROOM_MEDIA_STORAGE="s3",
        NEWSROOM_S3_BUCKET="newsroom-media",
        NEWSROOM_S3_ENDPOINT_URL="https://objects.example.org",
        NEWSROOM_S3_REGION="eu-west-1",
        NEWSROOM_S3_CUSTOM_DOMAIN="media.example.org",
        REDIS_URL="redis://cache.example.org:6379/0",
        NEWSROOM_CACHE_BACKEND="",
    )
    assert shown["cache"]["BACKEND"] == "newsroom.cache_backends.RedisCache"
    assert shown["media"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "newsroom-media",
            "endpoint_url": "https://objects.example.org",
            "region_name": "eu-west-1",
            "location": "media",
            "custom_domain": "media.example.org",
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
        },
    }


def test_settings_that_cannot_work_stop_the_server_with_the_variable_named():
    cases = [
        ({"NEWSROOM_MEDIA_STORAGE": "s3"}, "needs NEWSROOM_S3_BUCKET"),
        (
            {"NEWSROOM_MEDIA_STORAGE": "ftp"},
            "NEWSROOM_MEDIA_STORAGE must be local or s3",
        ),
        ({"NEWSROOM_CACHE_BACKEND": "redis"}, "NEWSROOM_CACHE_BACKEND=redis needs"),
        ({"NEWSROOM_CACHE_BACKEND": "disk"}, "must be redis, files or memory"),
        ({"NEWSROOM_PAGE_STALE_SECONDS": "-1"}, "NEWSROOM_PAGE_STALE_SECONDS must be"),
        ({"NEWSROOM_PAGE_CACHE_SECONDS": "-1"}, "NEWSROOM_PAGE_CACHE_SECONDS must be"),
    ]
    for env, message in cases:
        result = manage("check", **env)
        assert result.returncode != 0, env
        assert message in result.stderr, (env, result.stderr)


def test_a_page_cache_of_zero_seconds_is_accepted_as_turned_off():
    result = manage("check", NEWSROOM_PAGE_CACHE_SECONDS="0")
    assert result.returncode == 0, result.stderr
