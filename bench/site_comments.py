"""The comments of the site benchmark's archive (``site_fill.fill()`` calls ``write()``).

A few articles draw most of the discussion; three comments in four start a
thread and the rest reply to an approved thread of the same article, one
level deep as the site allows. Statuses, rules and reasons are what
moderation records; ``body_digest`` is computed as ``Comment.save()`` would.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from bench.site_bulk import Progress, dates_as_given
from bench.site_text import USER_AGENTS

BATCH_COMMENTS = 5000

# (status, share, rule, reason, decided by a moderator)
TOP_LEVEL_OUTCOMES = (
    ("approved", 62, "trusted", "Has an approved comment.", False),
    ("approved", 28, "moderator", "", True),
    ("pending", 5, "first-time", "First comment from this address.", False),
    ("rejected", 3, "moderator", "Personal attack.", True),
    ("spam", 2, "moderator", "Advertising.", True),
)
REPLY_OUTCOMES = (
    ("approved", 66, "trusted", "Has an approved comment.", False),
    ("approved", 27, "moderator", "", True),
    ("pending", 5, "first-time", "First comment from this address.", False),
    ("rejected", 2, "moderator", "Off topic.", True),
)


def write(count, public, now, text, rng, readers, report, stream) -> None:
    """Write ``count`` comments on ``public`` [(article id, publication time)]."""
    from django.db import transaction

    from comments.models import Comment

    if not count or not public:
        return
    progress = Progress("comments", count, stream)
    # A few articles draw most of the discussion (a heavy-tailed weight each).
    weights = [min(rng.paretovariate(1.2), 3000.0) for _ in public]
    per_article = Counter(rng.choices(range(len(public)), weights, k=count))
    people, people_weights = readers
    cumulative = list(_accumulate(people_weights))
    field_ = Comment._meta.get_field("created_at")
    pending: list[tuple[int, datetime, int]] = []
    queued = 0
    with dates_as_given(field_):
        for index, (article_id, published_at) in enumerate(public):
            total = per_article.get(index, 0)
            if not total:
                continue
            pending.append((article_id, published_at, total))
            queued += total
            if queued >= BATCH_COMMENTS or index == len(public) - 1:
                with transaction.atomic():
                    _comment_batch(pending, now, text, rng, people, cumulative, report)
                progress.advance(queued)
                pending, queued = [], 0
        if pending:
            with transaction.atomic():
                _comment_batch(pending, now, text, rng, people, cumulative, report)
            progress.advance(queued)
    report.seconds["comments"] = progress.finish()


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _comment_batch(pending, now, text, rng, people, cumulative, report) -> None:
    from comments.models import Comment

    tops: list[Comment] = []
    # (article id, index of its first thread in tops, threads, replies)
    replies_wanted: list[tuple[int, int, int, int]] = []
    for article_id, published_at, total in pending:
        threads = max(1, round(total * 0.75))
        first = len(tops)
        for _ in range(threads):
            at = published_at + timedelta(hours=rng.expovariate(1 / 6))
            tops.append(
                _comment(
                    article_id,
                    None,
                    min(at, now),
                    TOP_LEVEL_OUTCOMES,
                    text,
                    rng,
                    people,
                    cumulative,
                )
            )
        replies_wanted.append((article_id, first, threads, total - threads))
    Comment.objects.bulk_create(tops)
    replies = []
    for article_id, first, threads, wanted in replies_wanted:
        approved = [c for c in tops[first : first + threads] if c.status == "approved"]
        for _ in range(wanted):
            if not approved:  # nothing to answer: a thread of its own
                at = tops[first].created_at
                parent = None
            else:
                parent = rng.choice(approved)
                at = parent.created_at + timedelta(hours=rng.expovariate(1 / 2))
            replies.append(
                _comment(
                    article_id,
                    parent,
                    min(at, now),
                    REPLY_OUTCOMES if parent else TOP_LEVEL_OUTCOMES,
                    text,
                    rng,
                    people,
                    cumulative,
                )
            )
    Comment.objects.bulk_create(replies)
    report.comments += len(tops) + len(replies)
    report.replies += sum(1 for c in replies if c.parent_id)
    report.comment_status.update(c.status for c in tops)
    report.comment_status.update(c.status for c in replies)


def _comment(article_id, parent, at, outcomes, text, rng, people, cumulative):
    from comments.models import Comment, body_digest

    status, _share, rule, reason, decided = rng.choices(
        outcomes, [o[1] for o in outcomes]
    )[0]
    name, email, address = rng.choices(people, cum_weights=cumulative)[0]
    body = text.comment()
    return Comment(
        article_id=article_id,
        parent=parent,
        author_name=name,
        author_email=email,
        body=body,
        body_digest=body_digest(body),
        status=status,
        rule=rule,
        reason=reason,
        needs_review=status == "approved" and rng.random() < 0.003,
        wants_email=rng.random() < 0.1,
        ip_address=address,
        user_agent=rng.choice(USER_AGENTS),
        created_at=at,
        decided_at=at + timedelta(minutes=rng.uniform(5, 600)) if decided else None,
    )
