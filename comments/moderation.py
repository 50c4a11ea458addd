"""The rules that decide a new comment's fate, and moderators' decisions.

Every comment that is held or rejected records the rule that did it
(``Comment.rule``) and a sentence a moderator can read (``Comment.reason``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, CommentPolicy

from . import notifications
from .abuse import address_group
from .models import Ban, BlockedWord, Comment, Report, Subscriber, body_digest
from .policy import moderation_for
from .querysets import same_email
from .text import count_links, matching_text

Status, Rule = Comment.Status, Comment.Rule

# The same words from different people within this time look like a campaign.
DUPLICATE_WINDOW = timedelta(days=1)
DUPLICATE_MIN_CHARS = 40


@dataclass(frozen=True)
class Verdict:
    status: str
    rule: str
    reason: str


def banned(email: str, address: str | None) -> Ban | None:
    """A ban on the e-mail, the address, or (IPv6) the address's /64 network."""
    email = email.strip().lower()
    addresses = {a for a in (address, address_group(address)) if a}
    return (
        Ban.objects.filter(
            Q(  # pragma: no mutate
                kind=Ban.Kind.EMAIL, value=email if email else None
            )
            | Q(  # pragma: no mutate
                kind=Ban.Kind.ADDRESS, value__in=[a.lower() for a in addresses]
            )
        )
        .order_by("pk")
        .first()
    )


def blocked_word_in(body: str) -> str | None:
    """The first block-list word or phrase found in ``body`` as whole words."""
    words = list(BlockedWord.objects.values_list("word", flat=True))
    if not words:
        return None
    text = matching_text(body)
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            return word
    return None


def is_trusted(
    email: str, user: AbstractBaseUser | None, proven_email: str | None = None
) -> bool:
    """Someone with an approved comment already, who has shown it is really them.

    An account proves itself by logging in. A guest's typed address proves
    nothing on its own (anyone can type anyone's address), so it counts only
    when this browser posted with it before (the signed commenter cookie) or
    its owner confirmed it by e-mail.
    """
    approved = Comment.objects.visible()
    if user is not None and user.is_authenticated:
        return user.is_staff or approved.filter(user=user).exists()
    if not email:
        return False
    proven = email.lower() == (
        proven_email or ""  # pragma: no mutate
    ).lower() or (
        Subscriber.objects.filter(
            same_email("email", email), confirmed_at__isnull=False
        ).exists()
    )
    return proven and approved.by_email(email).exists()


def judge(
    article: Article,
    *,
    body: str,
    email: str,
    address: str | None,
    user: AbstractBaseUser | None = None,
    proven_email: str | None = None,
) -> Verdict:
    """Decide a new comment's status, naming the rule that decided it."""
    ban = banned(email, address)
    if ban is not None:
        return Verdict(
            Status.REJECTED,
            Rule.BAN,
            f"{ban.get_kind_display()} is banned: {ban.value}",
        )
    copies = Comment.objects.filter(body_digest=body_digest(body)).exclude(
        status__in=[Status.REJECTED, Status.SPAM]
    )
    if email:
        copies = copies.exclude(same_email("author_email", email))
    if user is not None and user.is_authenticated:
        copies = copies.exclude(user=user)
    # Short replies ("Agreed.", "Thank you!") are often the same by chance.
    if (
        len(matching_text(body)) >= DUPLICATE_MIN_CHARS
        and copies.newest_since(timezone.now() - DUPLICATE_WINDOW) is not None
    ):
        return Verdict(
            Status.PENDING,
            Rule.DUPLICATE,
            "The same text was posted by someone else in the last day.",
        )
    word = blocked_word_in(body)
    if word is not None:
        return Verdict(
            Status.PENDING, Rule.BLOCKLIST, f"Contains the blocked word “{word}”."
        )
    links = count_links(body)
    if links > settings.NEWSROOM_COMMENT_MAX_LINKS:
        return Verdict(
            Status.PENDING,
            Rule.LINKS,
            f"{links} links (more than {settings.NEWSROOM_COMMENT_MAX_LINKS}).",
        )
    policy = moderation_for(article)
    if policy == CommentPolicy.PRE:
        return Verdict(
            Status.PENDING, Rule.PRE_MODERATION, "Every comment here is reviewed first."
        )
    if policy == CommentPolicy.FIRST_TIME:
        if is_trusted(email, user, proven_email):
            return Verdict(Status.APPROVED, Rule.TRUSTED, "Has an approved comment.")
        return Verdict(
            Status.PENDING, Rule.FIRST_TIME, "First comment from this address."
        )
    return Verdict(Status.APPROVED, Rule.POST_MODERATION, "Published at once.")


def decide(
    comment: Comment, status: str, *, by: AbstractBaseUser | None, reason: str = ""
) -> bool:
    """A moderator's decision: the comment's new status, and its reports settled."""
    previous = comment.status
    if previous == status and not comment.needs_review:
        return False
    now = timezone.now()
    with transaction.atomic():
        comment.status = status
        comment.rule = Rule.MODERATOR
        comment.reason = reason or f"{Status(status).label} by a moderator."
        comment.decided_by = by if by is not None and by.is_authenticated else None
        comment.decided_at = now
        comment.needs_review = False
        comment.save(
            update_fields=[
                "status",
                "rule",
                "reason",
                "decided_by",
                "decided_at",
                "needs_review",
            ]
        )
        comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
        if previous != status:
            notifications.comment_decided(comment, previous)
    return True


def report(comment: Comment, *, reporter: str, reason: str, detail: str = "") -> bool:
    """Record a reader's report; False if this reader had reported it already.

    An approved comment goes back to the moderators ("reported again"); with
    enough reports from different readers it is hidden until they decide.
    """
    try:
        with transaction.atomic():
            Report.objects.create(
                comment=comment, reporter=reporter, reason=reason, detail=detail
            )
    except IntegrityError:
        return False
    with transaction.atomic():
        # Lock the row: simultaneous reports must all be counted.
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        fields = []
        if locked.status == Status.APPROVED and not locked.needs_review:
            locked.needs_review = True
            fields.append("needs_review")
        open_reports = locked.reports.filter(resolved_at__isnull=True).count()
        if (
            locked.status == Status.APPROVED
            and open_reports >= settings.NEWSROOM_COMMENT_REPORTS_TO_HIDE
        ):
            locked.status = Status.PENDING
            locked.rule = Rule.REPORTS
            locked.reason = f"Hidden after {open_reports} reader reports."
            fields += ["status", "rule", "reason"]
        if fields:
            locked.save(update_fields=fields)  # pragma: no mutate
    return True
