"""The default cache without Redis: files that every process of the machine shares.

Locks (``add``) and counters (``incr``) must hold across processes, not only
threads: several processes race here, forked from this one.
"""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client

from newsroom import cache_backends
from newsroom.cache_backends import FileCache
from tests.factories import make_article

PROCESSES = 6


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "cache"


@pytest.fixture
def files(folder) -> FileCache:
    return FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 50}})


@pytest.fixture
def file_cache_settings(settings, folder):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backends.FileCache",
            "LOCATION": str(folder),
        }
    }
    caches["default"].clear()


def test_entries_are_kept_read_and_forgotten(files):
    files.set("a", {"page": b"<html>"}, 60)
    assert files.get("a") == {"page": b"<html>"}
    assert files.get_many(["a", "b"]) == {"a": {"page": b"<html>"}}
    assert files.has_key("a")
    assert files.add("a", "other", 60) is False
    assert files.delete("a") is True
    assert files.delete("a") is False
    assert files.get("a", "gone") == "gone"
    files.set_many({"x": 1, "y": 2}, 60)
    files.clear()
    assert files.get_many(["x", "y"]) == {}


def test_entries_expire_and_keep_their_expiry_when_counted(files):
    with time_machine.travel(1_000_000, tick=False) as clock:
        files.set("short", "x", 10)
        files.add("count", 0, 10)
        assert files.incr("count", 5) == 5
        clock.shift(9)
        assert files.get("short") == "x"
        assert files.touch("short", 10) is True
        clock.shift(2)
        assert files.get("short") == "x"  # touched: ten more seconds
        assert files.get("count") is None  # incr kept the first expiry
        assert files.add("count", 1, 10) is True  # an expired entry is replaced
        with pytest.raises(ValueError):
            files.incr("missing")
        assert files.touch("missing") is False


def test_the_cache_is_culled_to_its_size_one_folder_at_a_time(folder, monkeypatch):
    monkeypatch.setattr(cache_backends, "_CULL_EVERY", 1)
    files = FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 1024}})
    for n in range(3000):
        files.set(f"entry-{n}", n, 60)
    assert 500 < len(files._entries()) <= 1024  # at most 4 in each of 256 folders
    assert files.get("entry-2999") == 2999  # the newest are kept


def test_culling_drops_expired_entries_first_and_unpickles_none(folder, monkeypatch):
    roomy = FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 10**6}})
    with time_machine.travel(1_000_000, tick=False) as clock:
        roomy.set("old-but-live", 1, 3600)
        clock.shift(10)
        for n in range(3000):
            roomy.set(f"lapsed-{n}", 2, 1)
        clock.shift(5)
        tight = FileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 256 * 3}})
        here = os.path.dirname(tight._path("old-but-live", None))
        assert len(os.listdir(here)) > 3  # over its share of three

        def unpickled(*args, **kwargs):
            raise AssertionError("an entry was unpickled to be culled")

        monkeypatch.setattr(cache_backends.pickle, "loads", unpickled)
        tight._cull(here)
        monkeypatch.undo()
        # The oldest entry is live: only the expired ones went.
        assert os.listdir(here) == [os.path.basename(tight._path("old-but-live", None))]
        assert tight.get("old-but-live") == 1


def _take_the_lock(folder: str, start: float) -> bool:
    files = FileCache(folder, {})
    while time.time() < start:
        time.sleep(0.001)
    return files.add("page-lock", "mine", 30)


def _count(folder: str, start: float) -> None:
    files = FileCache(folder, {})
    while time.time() < start:
        time.sleep(0.001)
    for _ in range(50):
        files.incr("posts")


def _fork():
    return multiprocessing.get_context("fork")


def test_only_one_process_takes_a_lock(folder):
    for _ in range(3):
        FileCache(str(folder), {}).clear()
        start = time.time() + 0.3
        with _fork().Pool(PROCESSES) as pool:
            taken = pool.starmap(_take_the_lock, [(str(folder), start)] * PROCESSES)
        assert sorted(taken) == [False] * (PROCESSES - 1) + [True]


def test_counts_from_many_processes_are_all_kept(folder):
    files = FileCache(str(folder), {})
    files.add("posts", 0, 60)
    start = time.time() + 0.3
    with _fork().Pool(PROCESSES) as pool:
        pool.starmap(_count, [(str(folder), start)] * PROCESSES)
    assert files.get("posts") == 50 * PROCESSES


@pytest.mark.django_db(transaction=True)
def test_pages_are_cached_and_invalidated_through_the_files(file_cache_settings):
    article = make_article(title="Tide tables")
    url = article.get_absolute_url()
    assert Client().get(url)["X-Cache"] == "miss"
    assert Client().get(url)["X-Cache"] == "hit"
    article.title = "Tide tables, corrected"
    article.save()
    page = Client().get(url)
    assert page["X-Cache"] == "miss"
    assert "Tide tables, corrected" in page.content.decode()
