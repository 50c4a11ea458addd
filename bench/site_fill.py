"""Fill the configured database with a seeded news archive, in bulk.

What it writes, for N articles and M comments (``fill()``; the site benchmark
calls it on a scratch database, tests/bench/ on the test database):

- 12 categories, about one author per 400 articles (5 to 250) and one tag per
  30 articles (10 to 3,000);
- N articles over the last eight years, oldest first: every 50th a draft,
  every 100th in review and every 100th scheduled for the coming month (so
  ``published()`` holds 96 %); each has 4–9 text sections of Markdown (now
  and then a list, a quotation, emphasis or a link), some a callout box, a
  part heading or an FAQ section, one table, 3–6 FAQ items, 2–5 tags and one
  to three bylines; about 3 % have an update in their log of corrections;
- M comments on the public articles, a few articles drawing most of them:
  three in four start a thread, the rest reply to an approved thread (one
  level deep, as the site allows); 90 % approved, the rest waiting for
  moderation, rejected or spam, each with the rule and reason moderation
  would record; readers come back (one reader per 20 comments)
  (``site_comments.py``).

Everything goes in with ``bulk_create``, so no ``save()`` runs and no signal
fires. The fill therefore writes itself what saving would have derived —
``Section.body_html`` and ``FaqItem.answer_html`` (``render_markdown()``),
section anchors, ``Article.body_text`` and ``excerpt`` (as
``refresh_derived_text()`` makes them), ``Comment.body_digest`` — then builds
the search index with the code behind ``manage.py rebuild_search_index``.
``check_derived()`` compares a sample with what the site's own code makes.

The same seed gives the same archive; dates are relative to the moment of the
fill, so the newest articles are always hours old.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TextIO

from bench import site_comments
from bench.site_bulk import Progress, dates_as_given
from bench.site_derived import index
from bench.site_text import CITIES, ROLES, Block, SiteText

ARCHIVE_YEARS = 8
BATCH_ARTICLES = 500
# (name, slug, weight of the category in the archive, comment policy, days
# after which comments close). Slugs avoid the site's reserved first segments.
CATEGORIES = (
    ("World", "world", 16, "", None),
    ("Europe", "europe", 10, "", None),
    ("Politics", "politics", 14, "pre", None),
    ("Business", "business", 12, "", None),
    ("Science", "science", 7, "", None),
    ("Technology", "technology", 7, "", None),
    ("Health", "health", 6, "", None),
    ("Environment", "environment", 6, "", None),
    ("Culture", "culture", 8, "", None),
    ("Sport", "sport", 9, "post", 30),
    ("Opinion", "opinion", 4, "", None),
    ("Travel", "travel", 1, "", None),
)
FAQ_SECTION_HEADING = "Questions and answers"


@dataclass
class FillReport:
    """What was written, and how long each step took (seconds)."""

    articles: int = 0
    public: int = 0
    drafts: int = 0
    in_review: int = 0
    scheduled: int = 0
    sections: int = 0
    tables: int = 0
    faq_items: int = 0
    tags: int = 0
    taggings: int = 0
    authors: int = 0
    categories: int = 0
    comments: int = 0
    replies: int = 0
    comment_status: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    # This process's CPU time: on a busy machine, closer to what a quiet one
    # would take than the elapsed time (the database server's work is not in it).
    cpu_seconds: float = 0.0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def status_of(n: int, scheduled_every: int) -> str:
    """The status of article ``n`` (0-based): fixed strides, so shares are exact."""
    if n % 50 == 10:
        return "draft"
    if n % 100 == 30:
        return "review"
    if scheduled_every and n % scheduled_every == 40 % scheduled_every:
        return "scheduled"
    return "published"


def fill(
    articles: int,
    comments: int,
    *,
    seed: int = 11,
    scheduled_every: int = 100,
    stream: TextIO | None = sys.stdout,
) -> FillReport:
    """Write the archive into the default database (already migrated and empty)."""
    from django.utils import timezone

    report = FillReport()
    rng = random.Random(seed)
    started = time.monotonic()
    cpu_started = time.process_time()
    text = SiteText(seed, rich_blocks=min(3000, max(40, articles // 30)))
    now = timezone.now().replace(microsecond=0)
    places = _people_and_places(articles, comments, text, rng, report)
    report.seconds["text pool, people"] = time.monotonic() - started
    public = _articles(
        articles, scheduled_every, now, text, rng, places, report, stream
    )
    site_comments.write(
        comments, public, now, text, rng, places["readers"], report, stream
    )
    index(report, stream)
    report.cpu_seconds = time.process_time() - cpu_started
    return report


# -- categories, authors, tags, readers -------------------------------------


def _people_and_places(
    articles: int, comments: int, text: SiteText, rng: random.Random, report
) -> dict:
    from django.utils.text import slugify
    from taggit.models import Tag

    from articles.models import Author, Category

    categories = Category.objects.bulk_create(
        Category(
            name=name,
            slug=slug,
            position=position,
            description=text.sentence(10, 20),
            comment_policy=policy,
            comments_close_after_days=close_after,
        )
        for position, (name, slug, _weight, policy, close_after) in enumerate(
            CATEGORIES
        )
    )
    authors = []
    for n in range(min(250, max(5, articles // 400))):
        name = text.person()
        authors.append(
            Author(
                name=name,
                slug=f"{slugify(name)}-{n + 1}",
                role=rng.choice(ROLES),
                bio=text.sentence(12, 24),
            )
        )
    authors = Author.objects.bulk_create(authors)
    names = text.tag_names(min(3000, max(10, articles // 30)))
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=f"{slugify(name)}" or f"topic-{n}")
        for n, name in enumerate(names)
    )
    readers = []
    for n in range(min(50_000, max(20, comments // 20))):
        name = text.person()
        address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{(n & 255) or 1}"
        email = f"{name.lower().replace(' ', '.')}.{n}@example.org"
        readers.append((name, email, address))
    report.categories, report.authors, report.tags = (
        len(categories),
        len(authors),
        len(tags),
    )
    return {
        "categories": categories,
        "category_weights": [c[2] for c in CATEGORIES],
        "authors": authors,
        "tags": tags,
        # Popular tags, busy authors and regular readers: Zipf-like weights.
        "tag_weights": _zipf(len(tags), 1.0),
        "author_weights": _zipf(len(authors), 0.6),
        "readers": (readers, _zipf(len(readers), 0.9)),
    }


def _zipf(count: int, exponent: float) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


# -- articles and their parts -------------------------------------------------


def _articles(
    count, scheduled_every, now, text, rng, places, report, stream
) -> list[tuple[int, datetime]]:
    """Write the articles; returns (id, publication time) of the public ones."""
    from django.db import transaction

    from articles.models import Article

    progress = Progress("articles", count, stream)
    public: list[tuple[int, datetime]] = []
    span = timedelta(days=365 * ARCHIVE_YEARS)
    fields = [Article._meta.get_field(name) for name in ("created_at", "updated_at")]
    with dates_as_given(*fields):
        for start in range(0, count, BATCH_ARTICLES):
            numbers = range(start, min(count, start + BATCH_ARTICLES))
            plans = [
                _article_plan(n, count, scheduled_every, now, span, text, rng, places)
                for n in numbers
            ]
            with transaction.atomic():
                _write_batch(plans, report)
            for plan in plans:
                article = plan["article"]
                if plan["status"] == "published":
                    public.append((article.pk, article.published_at))
            progress.advance(len(plans))
    report.seconds["articles"] = progress.finish()
    report.articles = count
    report.public = len(public)
    return public


def _article_plan(n, count, scheduled_every, now, span, text, rng, places) -> dict:
    from django.utils.text import Truncator, slugify

    from articles.models import Article, ArticleTable, Correction, FaqItem, Section

    status = status_of(n, scheduled_every)
    published_at = now - span * (1 - n / count) - timedelta(minutes=30)
    created_at = published_at - timedelta(hours=rng.uniform(1, 30))
    updated_at = published_at + timedelta(minutes=rng.uniform(0, 5))
    if rng.random() < 0.05:
        updated_at = published_at + timedelta(hours=rng.uniform(1, 48))
    if status == "scheduled":
        published_at = now + timedelta(days=rng.uniform(1, 30))
        updated_at = created_at = now - timedelta(hours=rng.uniform(1, 48))
    elif status in ("draft", "review"):
        published_at = None
        updated_at = created_at = now - timedelta(hours=rng.uniform(1, 200))
    updated_at = min(updated_at, now)
    category = rng.choices(places["categories"], places["category_weights"])[0]
    title = text.phrase(6, 14)[:200]
    fields = {
        "title": title,
        "slug": f"{slugify(title)[:80].strip('-')}-{n + 1}",
        "standfirst": text.sentence(14, 28)[:400],
        "dateline": rng.choice(CITIES) if rng.random() < 0.5 else "",
    }
    # Drawn here, in the seed's order: the same seed gives the same archive.
    update = (
        f"This article was updated to add {text.phrase(3, 8).lower()}."
        if rng.random() < 0.03
        else ""
    )
    article = Article(
        **fields,
        category=category,
        status="published" if status == "scheduled" else status,
        published_at=published_at,
        created_at=created_at,
        updated_at=updated_at,
        is_commenting_open=n % 40 != 17,
        comment_prompt=text.sentence(6, 12) if rng.random() < 0.1 else "",
        discussion_question=text.question() if rng.random() < 0.1 else "",
    )

    # Sections: an optional lead without a heading, text sections, now and
    # then a callout, a part heading, or the section where the FAQ shows.
    sections: list[tuple[Section, list[Block]]] = []
    anchors: set[str] = set()
    text_sections = rng.randint(4, 9)
    part_at = rng.randint(2, text_sections - 1) if rng.random() < 0.08 else None
    for i in range(text_sections):
        heading = "" if i == 0 and rng.random() < 0.5 else text.phrase(2, 7)[:300]
        blocks = text.body(rng.choices((1, 2, 3), (35, 45, 20))[0])
        section = Section(heading=heading, body="\n\n".join(b.markdown for b in blocks))
        if i == part_at:
            section.part_heading = text.phrase(3, 8)
            section.is_follow_up = rng.random() < 0.5
        sections.append((section, blocks))
        if i == 1 and rng.random() < 0.15:
            callout = [text.plain(1, 2)]
            sections.append(
                (
                    Section(
                        heading="Did you know?",
                        kind=Section.Kind.CALLOUT,
                        body=callout[0].markdown,
                    ),
                    callout,
                )
            )
    if rng.random() < 0.6:
        sections.insert(
            len(sections) - rng.randint(0, 1),
            (Section(heading=FAQ_SECTION_HEADING, kind=Section.Kind.FAQ), []),
        )
    texts = []
    for position, (section, blocks) in enumerate(sections):
        section.position = position
        section.body_html = "\n".join(b.html for b in blocks)
        section.anchor = _anchor(section, anchors) if section.heading else ""
        texts.append("\n\n".join(b.text for b in blocks))

    caption, rows, note = text.table()
    table = ArticleTable(caption=caption, rows=rows, source_note=note, position=0)
    # Most tables sit after a text section's words; the rest close the article.
    text_positions = [
        i for i, (s, _) in enumerate(sections) if s.kind == Section.Kind.TEXT
    ]
    table_in = rng.choice(text_positions) if rng.random() < 0.7 else None

    faq = []
    faq_texts = []
    for position in range(rng.randint(3, 6)):
        blocks = text.body(rng.choices((1, 2), (75, 25))[0], rich_share=0.1)
        faq.append(
            FaqItem(
                position=position,
                question=text.question()[:300],
                answer="\n\n".join(b.markdown for b in blocks),
                answer_html="\n".join(b.html for b in blocks),
            )
        )
        faq_texts.append("\n\n".join(b.text for b in blocks))

    # Article.refresh_derived_text(), from what is in memory.
    parts, lead_text = [], ""
    for (section, _blocks), body_text in zip(sections, texts, strict=True):
        body_text = body_text if section.body_html else ""
        parts += [section.heading, body_text]
        lead_text = lead_text or body_text
    parts.append(table.as_text())
    parts += [f"{i.question}\n{t}" for i, t in zip(faq, faq_texts, strict=True)]
    article.body_text = "\n\n".join(p for p in parts if p)
    article.excerpt = Truncator(" ".join(lead_text.split())).chars(300)

    authors = rng.choices(
        places["authors"],
        places["author_weights"],
        k=rng.choices((1, 2, 3), (80, 17, 3))[0],
    )
    tags = rng.choices(places["tags"], places["tag_weights"], k=rng.randint(2, 5))
    return {
        "status": status,
        "article": article,
        "sections": [s for s, _ in sections],
        "table": table,
        "table_in": table_in,
        "faq": faq,
        # Now and then an update in the article's log, dated by its last save.
        "updates": [Correction(kind="update", text=update, noted_at=updated_at)]
        if update
        else [],
        "authors": list(dict.fromkeys(authors)),
        "tags": list(dict.fromkeys(tags)),
    }


def _anchor(section, taken: set[str]) -> str:
    """What Section.save() gives a new section with this heading."""
    from django.utils.text import slugify

    from articles.models import RESERVED_ANCHORS

    base = slugify(section.heading, allow_unicode=True)[:100] or (
        f"section-{section.position}"
    )
    if base in RESERVED_ANCHORS or base.startswith(("table-", "front-")):
        base = f"{base}-section"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _write_batch(plans: list[dict], report: FillReport) -> None:
    from articles.models import (
        Article,
        ArticleTable,
        Byline,
        Correction,
        FaqItem,
        Section,
        TaggedArticle,
    )

    Article.objects.bulk_create([p["article"] for p in plans])
    for plan in plans:
        for section in plan["sections"]:
            section.article = plan["article"]
    Section.objects.bulk_create([s for p in plans for s in p["sections"]])
    tables, faq, bylines, taggings, updates = [], [], [], [], []
    for plan in plans:
        article = plan["article"]
        table = plan["table"]
        table.article = article
        if plan["table_in"] is not None:
            table.section = plan["sections"][plan["table_in"]]
        tables.append(table)
        for item in plan["faq"]:
            item.article = article
            faq.append(item)
        for note in plan["updates"]:
            note.article = article
            updates.append(note)
        bylines += [
            Byline(article=article, author=author, position=position)
            for position, author in enumerate(plan["authors"])
        ]
        taggings += [TaggedArticle(content_object=article, tag=t) for t in plan["tags"]]
        report.drafts += plan["status"] == "draft"
        report.in_review += plan["status"] == "review"
        report.scheduled += plan["status"] == "scheduled"
    ArticleTable.objects.bulk_create(tables)
    FaqItem.objects.bulk_create(faq)
    Byline.objects.bulk_create(bylines)
    TaggedArticle.objects.bulk_create(taggings)
    Correction.objects.bulk_create(updates)
    report.sections += sum(len(p["sections"]) for p in plans)
    report.tables += len(tables)
    report.faq_items += len(faq)
    report.taggings += len(taggings)
