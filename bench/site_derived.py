"""What the fill derives once the rows are in, and the check that it matches the site's code."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

from bench.site_bulk import Progress

if TYPE_CHECKING:
    from bench.site_fill import FillReport


def index(report: FillReport, stream: TextIO | None) -> None:
    """The search index and the planner statistics, each step timed into ``report``."""
    from django.db import connection

    from articles.search import rebuild_index

    progress = Progress("search index", report.articles, stream)
    last = [0]

    def advance(done: int, total: int) -> None:
        progress.advance(done - last[0])
        last[0] = done

    rebuild_index(batch_size=2000, progress=advance)
    report.seconds["search index"] = progress.finish()
    started = time.monotonic()
    with connection.cursor() as cursor:
        # A live database has planner statistics; a freshly filled one must
        # be given them, or the first pages measured choose poor plans.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    report.seconds["analyze"] = time.monotonic() - started


def check_derived(sample: int = 40) -> list[str]:
    """Problems found when the site's own code re-derives a sample of the fill.

    Rendering each section and FAQ answer with ``render_markdown()`` must give
    the stored HTML, and ``refresh_derived_text()`` (rolled back) the stored
    body text and excerpt. An empty list means the fill wrote what saving
    every part one by one would have written.
    """
    from django.db import transaction

    from articles.markup import render_markdown
    from articles.models import Article

    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // sample)
    problems = []
    for article in Article.objects.filter(pk__in=ids[::step]).prefetch_related(
        "sections", "faq_items"
    ):
        for section in article.sections.all():
            if render_markdown(section.body) != section.body_html:
                problems.append(f"section {section.pk}: body_html differs")
        for item in article.faq_items.all():
            if render_markdown(item.answer) != item.answer_html:
                problems.append(f"FAQ item {item.pk}: answer_html differs")
        stored = (article.body_text, article.excerpt)
        with transaction.atomic():
            article.refresh_derived_text()
            transaction.set_rollback(True)
        if (article.body_text, article.excerpt) != stored:
            problems.append(f"article {article.pk}: body_text or excerpt differs")
    return problems
