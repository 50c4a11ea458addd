"""After an edit: do a hundred readers of the same page cause one render?"""

from __future__ import annotations

import time

from bench import site_load


def readers_after_edit(base_url: str, addresses, readers: int) -> dict:
    """How many renders ``readers`` simultaneous readers cause right after an
    edit of the page they all want (the goal is one).

    The edit is a save through the ORM in this process, so it reaches the
    servers only through the shared cache (files or Redis); a cache in each
    worker's own memory is reported as not measured. A render is a response
    whose ``X-Cache`` says ``miss``; every answer seen is reported as well.
    """
    from django.conf import settings
    from django.utils import timezone

    from articles.models import Article, Correction

    if addresses.busy_article is None:
        return {"skipped": "no article with comments"}
    backend = settings.CACHES["default"]["BACKEND"].lower()
    if "locmem" in backend:
        return {"skipped": "each worker caches in its own memory (use --redis)"}
    pk, path = addresses.busy_article
    site_load.get(base_url, path)  # a stored copy to go stale
    Correction.objects.create(
        article=Article.objects.get(pk=pk),
        kind=Correction.Kind.UPDATE,
        text=f"Updated at {time.strftime('%H:%M:%S')}.",
        noted_at=timezone.now(),
    )
    time.sleep(0.2)  # the invalidation runs after the commit
    result = site_load.readers_at_once(base_url, path, readers)
    return {
        "readers": readers,
        "renders": result.renders,
        "answers": dict(result.answers),
        "p50_ms": result.p50_ms,
        "max_ms": result.max_ms,
    }
