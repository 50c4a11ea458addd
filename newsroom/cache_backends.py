"""Cache backends with bounded entries, files shared by processes, and a Redis given up on quickly.

Every entry lives at most NEWSROOM_CACHE_MAX_SECONDS, whatever lifetime the
caller asked for ("forever" included), and an entry larger than
NEWSROOM_CACHE_MAX_ENTRY_BYTES once pickled is not stored: the caller carries
on as after a miss. So neither a forgotten key nor one huge page can fill the
cache.

Redis is asked with short socket timeouts (settings.py), and once it has
failed during a request it is not asked again until that request ends: every
later call fails at once with a ``redis.exceptions.ConnectionError``, which
callers already handle as "cache unreachable" (newsroom.caching.CACHE_ERRORS).
A stalled Redis so costs a reader one timeout, not one per cache call.

Without Redis, the default is ``FileCache``: one folder that every process of
the machine shares (gunicorn's workers, ``manage.py`` commands), so a change
made in one process is seen by all of them at once. Writes replace whole
files atomically; ``add``, ``incr`` and ``touch`` take a lock on the key (an
``flock`` on one of a few lock files), so a page lock is held by one request
and a rate-limit counter loses no count, across processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import pickle
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import locmem, redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.signals import request_finished, request_started
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_UNREACHABLE = (OSError, RedisError)
# Outside requests (the task worker, commands) a failure is remembered this long.
_FORGET_FAILURE_AFTER = 10.0


class _BoundedEntries:
    """Clamp every lifetime to the maximum; skip values too large to store."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def _max_seconds(self) -> int:
        return settings.NEWSROOM_CACHE_MAX_SECONDS

    def _bounded(self, timeout: Any) -> Any:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return self._max_seconds()
        return min(timeout, self._max_seconds())

    def _fits(self, key: str, value: Any) -> bool:
        if type(value) is int:
            return True
        size = len(pickle.dumps(value, self.pickle_protocol))
        if size <= settings.NEWSROOM_CACHE_MAX_ENTRY_BYTES:
            return True
        logger.warning("Not caching %s: %d bytes is over the limit", key, size)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if not self._fits(key, value):
            return False
        return super().add(key, value, self._bounded(timeout), version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._fits(key, value):
            super().set(key, value, self._bounded(timeout), version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        kept = {key: value for key, value in data.items() if self._fits(key, value)}
        failed = super().set_many(kept, self._bounded(timeout), version) if kept else []
        return [*failed, *(key for key in data if key not in kept)]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, self._bounded(timeout), version)


class LocMemCache(_BoundedEntries, locmem.LocMemCache):
    """This process's memory, for development and single-process sites."""


_MISSING = object()
# An entry file: its expiry (seconds since the epoch) as a double, then the pickle.
_EXPIRY = struct.Struct("<d")
_LOCK_FILES = 64
# Entries are spread evenly over this many folders by their key's hash, so
# each keeps at most its share of MAX_ENTRIES. Every this many writes, a
# process checks the folder it just wrote to: a look at one folder (a few
# hundred files at most), never a pause to read the whole cache.
_FOLDERS = 256
_CULL_EVERY = 10
# File names worked out and remembered per process, at most.
_KNOWN_PATHS = 10_000


class _FileStore(BaseCache):
    """Entries as files under ``location``/ab/cdef…, named by a hash of the key."""

    def __init__(self, location: str, params: dict) -> None:
        super().__init__(params)
        self._dir = os.path.abspath(location)
        self._writes = 0
        # A page hit reads a dozen keys (the copy, its tags' versions): their
        # file names are worked out once per process.
        self._paths: dict[tuple[str, int | None], str] = {}

    # Files

    def validate_key(self, key: str) -> None:
        """Any key will do: file names are hashes of keys (no memcached limits)."""

    def _path(self, key: str, version: int | None) -> str:
        known = self._paths.get((key, version))
        if known is not None:
            return known
        digest = hashlib.sha256(self.make_key(key, version).encode()).hexdigest()
        path = os.path.join(self._dir, digest[:2], digest[2:] + ".entry")
        if len(self._paths) >= _KNOWN_PATHS:
            self._paths.clear()
        self._paths[key, version] = path
        return path

    def _read(self, path: str, *, expired_too: bool = False) -> tuple[Any, float]:
        """The value and expiry in ``path``; ``_MISSING`` when absent or expired."""
        try:
            with open(path, "rb", buffering=0) as entry:
                data = entry.readall()
            (expiry,) = _EXPIRY.unpack_from(data)
            if expiry < time.time() and not expired_too:
                value = _MISSING
            else:
                value = pickle.loads(memoryview(data)[_EXPIRY.size :])
        except FileNotFoundError:
            return _MISSING, 0.0
        except (EOFError, pickle.UnpicklingError, struct.error):
            return _MISSING, 0.0  # not one of ours: overwritten later
        # An expired file stays until it is overwritten or culled: removing it
        # here could remove a fresh one another process just put in its place.
        return value, expiry

    def _write(self, path: str, value: Any, expiry: float) -> None:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as entry:
                entry.write(_EXPIRY.pack(expiry))
                entry.write(pickle.dumps(value, self.pickle_protocol))
            os.replace(temporary, path)  # readers see the old file or the new one
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)
            raise
        self._writes += 1
        if self._writes % _CULL_EVERY == 0:
            self._cull(folder)

    def _expiry(self, timeout: Any) -> float:
        expiry = self.get_backend_timeout(timeout)
        return float("inf") if expiry is None else expiry

    @contextlib.contextmanager
    def _locked(self, path: str) -> Iterator[None]:
        """Hold the lock of ``path`` against every process using this folder."""
        folder = os.path.join(self._dir, "locks")
        os.makedirs(folder, exist_ok=True)
        stripe = int(os.path.basename(path)[:4], 16) % _LOCK_FILES
        handle = os.open(os.path.join(folder, f"{stripe}.lock"), os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # closing releases the lock

    def _entries(self) -> list[os.DirEntry]:
        found = []
        with contextlib.suppress(FileNotFoundError):
            for folder in os.scandir(self._dir):
                if folder.is_dir() and folder.name != "locks":
                    found += [
                        f for f in os.scandir(folder.path) if f.name.endswith(".entry")
                    ]
        return found

    def _cull(self, folder: str) -> None:
        """A folder over its share of MAX_ENTRIES: drop what has expired, then the oldest."""
        share = max(1, self._max_entries // _FOLDERS)
        try:
            entries = [f for f in os.scandir(folder) if f.name.endswith(".entry")]
        except FileNotFoundError:
            return
        if len(entries) <= share:
            return
        kept = []
        now = time.time()
        for entry in entries:
            # The expiry is the file's first bytes: no entry is unpickled here.
            if _expiry_of(entry.path) < now:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(entry.path)
            else:
                kept.append(entry)
        excess = len(kept) - share * 9 // 10
        if excess > 0:
            kept.sort(key=_written_at)
            for entry in kept[:excess]:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(entry.path)

    # The cache API

    def get(self, key, default=None, version=None):
        value, _ = self._read(self._path(key, version))
        return default if value is _MISSING else value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(self._path(key, version), value, self._expiry(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        path = self._path(key, version)
        with self._locked(path):
            if self._read(path)[0] is not _MISSING:
                return False
            self._write(path, value, self._expiry(timeout))
            return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        path = self._path(key, version)
        with self._locked(path):
            value, _ = self._read(path)
            if value is _MISSING:
                return False
            self._write(path, value, self._expiry(timeout))
            return True

    def incr(self, key, delta=1, version=None):
        path = self._path(key, version)
        with self._locked(path):
            value, expiry = self._read(path)
            if value is _MISSING:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            self._write(path, value, expiry)  # the count keeps its expiry
            return value

    def delete(self, key, version=None):
        try:
            os.remove(self._path(key, version))
        except FileNotFoundError:
            return False
        return True

    def has_key(self, key, version=None):
        return self._read(self._path(key, version))[0] is not _MISSING

    def clear(self):
        with contextlib.suppress(FileNotFoundError):
            for folder in os.scandir(self._dir):
                if folder.is_dir() and folder.name != "locks":
                    shutil.rmtree(folder.path, ignore_errors=True)


def _expiry_of(path: str) -> float:
    """When the entry in ``path`` expires; 0 for one that is not ours or half written."""
    try:
        with open(path, "rb", buffering=0) as entry:
            (expiry,) = _EXPIRY.unpack(entry.read(_EXPIRY.size))
    except (FileNotFoundError, struct.error):
        return 0.0
    return expiry


def _written_at(entry: os.DirEntry) -> float:
    try:
        return entry.stat().st_mtime
    except FileNotFoundError:  # removed by another process meanwhile
        return 0.0


class FileCache(_BoundedEntries, _FileStore):
    """Files in one folder, shared by every process of one machine (the default)."""


class RedisCache(_BoundedEntries, redis.RedisCache):
    """Redis, given up on for the rest of a request after its first failure."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._failed_at: float | None = None

    def forget_failure(self) -> None:
        self._failed_at = None

    def _call(self, name: str, *args, **kwargs):
        if self._failed_at is not None:
            if time.monotonic() - self._failed_at < _FORGET_FAILURE_AFTER:
                raise RedisConnectionError("Redis failed earlier in this request")
            self._failed_at = None
        try:
            return getattr(super(), name)(*args, **kwargs)
        except _UNREACHABLE:
            self._failed_at = time.monotonic()
            raise

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")


def _forget_failures(**kwargs: Any) -> None:
    for backend in caches.all(initialized_only=True):
        if isinstance(backend, RedisCache):
            backend.forget_failure()


request_started.connect(_forget_failures, dispatch_uid="newsroom-cache-request-started")
request_finished.connect(
    _forget_failures, dispatch_uid="newsroom-cache-request-finished"
)
