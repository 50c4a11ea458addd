"""The keys of stored fragments (``fragments.py``): what a fragment shows, and this release.

A key names the versions of the cache tags of what the fragment shows, the
values of the rows it was rendered from, the site's address, and a digest
of the templates, code, static files and settings of this release: any of
them changing gives a new key, and the old entry expires unread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache as once
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import models
from django.http import HttpRequest

from newsroom.caching import CACHE_ERRORS, read_versions
from newsroom.site import site_root

# Settings that show in fragments: a change to them starts fresh ones.
_SHOWN_SETTINGS = (
    "NEWSROOM_SITE_NAME",
    "NEWSROOM_SITE_TAGLINE",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "STATIC_URL",
    "MEDIA_URL",
)


class FragmentKeys:
    """The cache keys of one request's fragments: its site address, this release."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self._base = hashlib.sha256(f"{release()}\0{site_root(request)}".encode())

    def key(
        self, kind: str, versions: dict[str, str] | None, *rows: models.Model
    ) -> str | None:
        """The key of a fragment showing ``rows`` at these versions of its tags.

        None when the versions are unknown: the fragment is rendered, not kept.
        """
        if versions is None:
            return None
        digest = self._base.copy()
        for tag in sorted(versions):
            digest.update(f"\0{tag}={versions[tag]}".encode())
        for row in rows:
            digest.update(b"\0" + fingerprint(row).encode())
        return f"fragment:{kind}:{digest.hexdigest()[:40]}"

    def versions(self, tags: Sequence[str]) -> dict[str, str] | None:
        """The versions of ``tags`` for this render: those the page recorded, others read now.

        None when the cache cannot keep them; then nothing is read or stored.
        """
        recorded = getattr(self.request, "cache_tags", None) or {}
        wanted = [tag for tag in tags if tag not in recorded]
        try:
            found = read_versions(wanted) if wanted else {}
        except CACHE_ERRORS:
            return None
        if found is None:
            return None
        return {tag: recorded.get(tag) or found[tag] for tag in tags}


def fingerprint(row: models.Model) -> str:
    """The values of ``row``'s loaded columns, as text: any change to them changes it."""
    deferred = row.get_deferred_fields()
    return repr(
        [
            getattr(row, name)
            for name in _column_names(type(row))
            if name not in deferred
        ]
    )


@once
def _column_names(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def release() -> str:
    """A digest of the templates, code, static files and settings fragments are made with.

    A release that changes any of them starts with fresh fragments, without a
    new cache prefix. Read once per process; in development (DEBUG), on
    every request, so an edited template shows at once.
    """
    return _release(edited=True) if settings.DEBUG else _release_once()


@once
def _release_once() -> str:
    return _release(edited=False)


def _release(*, edited: bool) -> str:
    """``edited``: a file's time and size stand for its text (cheap, for development)."""
    digest = hashlib.sha256()
    for path in release_sources():
        if edited:
            stat = path.stat()
            digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
        else:
            digest.update(path.read_bytes())
    # The hashed names of static files (ManifestStaticFilesStorage), if any.
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    digest.update(repr([getattr(settings, name) for name in _SHOWN_SETTINGS]).encode())
    return digest.hexdigest()[:16]


def release_sources() -> list[Path]:
    """The templates, and the code of every app of the project.

    Other apps render stored parts of pages too (``register_article_part``),
    so their code is part of it as much as this app's.
    """
    folders = [Path(d) for engine in settings.TEMPLATES for d in engine["DIRS"]]
    sources = [path for folder in folders for path in sorted(folder.rglob("*.html"))]
    project = Path(__file__).resolve().parent.parent
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent == project:
            sources += sorted(Path(config.path).rglob("*.py"))
    return sources
