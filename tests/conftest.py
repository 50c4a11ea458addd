import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from tests.factories import make_staff_user


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    """Fast password hashing, and every test starts with an empty cache."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # The hashed manifest needs collectstatic; tests/newsroom/test_static.py covers it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    cache.clear()


@pytest.fixture
def anon() -> Client:
    return Client()


@pytest.fixture
def editor(db):
    user = make_staff_user()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
    )
    return user


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def written(monkeypatch) -> list[str]:
    """The keys of the stored fragments (articles/fragments.py) written during the test."""
    from articles import fragments

    keys: list[str] = []
    set_many = fragments.cache.set_many

    def record(data, *args, **kwargs):
        keys.extend(key for key in data if key.startswith("fragment:"))
        return set_many(data, *args, **kwargs)

    monkeypatch.setattr(fragments.cache, "set_many", record)
    return keys
