"""E-mail to commenters and moderators (see tasks.py for the sending).

Both functions run inside the transaction that stores or decides a comment.
They only decide who should hear about it, and queue the mail for when the
transaction commits: a comment that is rolled back sends nothing, and no
reader's request waits on the mail server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import tasks
from .models import Comment, Subscriber

# A guest who keeps commenting without confirming gets at most one
# confirmation mail a day.
CONFIRMATION_RESEND_AFTER = timedelta(hours=24)

Status = Comment.Status


def _enqueue_on_commit(send: Callable, *args: int | str) -> None:
    # robust: a queue that is down must not turn a stored comment into an error page.
    transaction.on_commit(lambda: send.enqueue(*args), robust=True)


def _subscribe(comment: Comment) -> None:
    """Record the commenter's address; ask a guest to confirm it, once."""
    email = tasks.normalised(comment.author_email)
    subscriber = tasks.subscriber_for(email, create=True)
    unconfirmed = Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True)
    now = timezone.now()
    if comment.user_id is not None:
        # A logged-in reader's address is their account's own.
        unconfirmed.update(confirmed_at=now)
        return
    # One conditional update claims the right to send: two comments posted at
    # the same moment cannot both send a confirmation.
    claimed = (
        unconfirmed.filter(unsubscribed_at__isnull=True)
        .filter(
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lt=now - CONFIRMATION_RESEND_AFTER)
        )
        .update(confirmation_sent_at=now)
    )
    if claimed:
        _enqueue_on_commit(tasks.send_confirmation, email)


def _notify_parent_author(reply: Comment) -> None:
    parent = Comment.objects.filter(pk=reply.parent_id).first()
    if tasks.reply_recipient(reply, parent) is not None:
        _enqueue_on_commit(tasks.send_reply_notice, reply.pk)


def comment_posted(comment: Comment) -> None:
    """A new comment was stored (any status)."""
    # Nothing more will be said about a comment refused at once (a ban).
    refused = comment.status in tasks.NOT_PUBLISHED
    if comment.wants_email and comment.author_email.strip() and not refused:
        _subscribe(comment)
    if comment.status == Status.APPROVED and comment.parent_id is not None:
        _notify_parent_author(comment)


def comment_decided(comment: Comment, previous_status: str) -> None:
    """A moderator changed a comment's status from ``previous_status``.

    Mail goes only about comments held since they were posted. A comment that
    readers' reports hid had been public: its author saw it published, and
    the notice of a reply went out then.
    """
    if previous_status != Status.PENDING or comment.reports.exists():
        return
    decided = comment.status == Status.APPROVED or comment.status in tasks.NOT_PUBLISHED
    if decided and tasks.author_address(comment) is not None:
        _enqueue_on_commit(tasks.send_decision, comment.pk)
    if comment.status == Status.APPROVED and comment.parent_id is not None:
        _notify_parent_author(comment)
