"""Comment e-mail, sent in the background through Django's tasks framework.

Tasks take only ids and addresses: the database backend stores their
arguments as JSON. Each one looks at the database again when it runs, since
a comment may have been decided again, or an address unsubscribed, while it
waited in the queue. Nothing outside this module sends comment e-mail.
"""

from __future__ import annotations

import logging
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.policy import Policy
from email.policy import default as default_policy

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timesince import timesince

from newsroom.site import site_root_outside_request

from .models import Comment, Subscriber
from .querysets import same_email
from .signing import email_token

logger = logging.getLogger(__name__)

# How long the link in a confirmation mail works.
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7
# How many of the longest-waiting comments the moderators' digest names.
DIGEST_OLDEST = 5

Status = Comment.Status
NOT_PUBLISHED = (Status.REJECTED, Status.SPAM)


def absolute(path: str) -> str:
    return site_root_outside_request() + path


def normalised(email: str) -> str:
    return email.strip().lower()


def subscriber_for(email: str, *, create: bool = False) -> Subscriber | None:
    """The subscriber with this address in any case; made (in lower case) if asked."""
    email = normalised(email)
    if not email:
        return None
    found = Subscriber.objects.filter(same_email("email", email)).first()
    if found is None and create:
        found, _ = Subscriber.objects.get_or_create(email=email)
    return found


def may_mail(email: str) -> bool:
    """Confirmed and not unsubscribed: the only addresses notifications go to."""
    subscriber = subscriber_for(email)
    return subscriber is not None and subscriber.may_receive_mail


def author_address(comment: Comment) -> str | None:
    """Where mail about ``comment`` may go, if its author asked for it."""
    if not comment.wants_email or not may_mail(comment.author_email):
        return None
    return normalised(comment.author_email)


def same_person(a: Comment, b: Comment) -> bool:
    if a.user_id is not None and a.user_id == b.user_id:
        return True
    email = normalised(a.author_email)
    return bool(email) and email == normalised(b.author_email)


def reply_recipient(reply: Comment, parent: Comment | None) -> str | None:
    """The parent comment's author, when they want to hear about replies."""
    if parent is None or same_person(reply, parent):
        return None
    return author_address(parent)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _VerbatimHeader(UnstructuredHeader):
    """A header written on one line, exactly as given.

    RFC 2369 list headers must carry their URL verbatim, but the mail
    library folds any header longer than 78 characters, and a long signed
    link has no space to fold at: it would be sent as RFC 2047 encoded words
    that mail clients do not read as a link. One line of up to 998
    characters is what RFC 5322 allows.
    """

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _VerbatimHeader)


class NotificationMessage(EmailMessage):
    """An EmailMessage whose List-Unsubscribe header reaches mail clients intact."""

    def message(self, *, policy: Policy = default_policy):
        return super().message(policy=policy.clone(header_factory=_HEADERS))


def _message(to: str, subject: str, template: str, context: dict) -> EmailMessage:
    """A plain-text mail with a signed one-click unsubscribe link (RFC 8058)."""
    unsubscribe_url = absolute(Subscriber(email=to).get_unsubscribe_url())
    site_name = settings.NEWSROOM_SITE_NAME
    body = render_to_string(
        f"comments/email/{template}.txt",
        {
            **context,
            "site_name": site_name,
            "site_url": absolute("/"),
            "unsubscribe_url": unsubscribe_url,
        },
    )
    return NotificationMessage(
        subject=_one_line(f"{site_name}: {subject}"),
        body=body,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # An automatic message: out-of-office replies should stay quiet.
            "Auto-Submitted": "auto-generated",
        },
    )


def _deliver(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    return mailers.default.send_messages(messages) or 0


def _article_title(comment: Comment) -> str:
    return _one_line(comment.article.title)


@task
def send_confirmation(email: str) -> bool:
    """Ask a guest to confirm their address; nothing else goes to it until they do."""
    subscriber = subscriber_for(email)
    if subscriber is None or subscriber.confirmed_at or subscriber.unsubscribed_at:
        return False
    address = normalised(subscriber.email)
    confirm_url = absolute(
        reverse("comments:confirm-email", args=[email_token(address, "confirm")])
    )
    message = _message(
        address,
        "Please confirm your e-mail address",
        "confirm",
        {"confirm_url": confirm_url, "days": CONFIRM_MAX_AGE // (60 * 60 * 24)},
    )
    return _deliver([message]) == 1


@task
def send_decision(comment_id: int) -> bool:
    """Tell a commenter what became of their held comment."""
    comment = Comment.objects.with_article().filter(pk=comment_id).first()
    if comment is None:
        return False
    to = author_address(comment)
    if to is None:
        return False
    title = _article_title(comment)
    context = {"comment": comment, "article_title": title}
    if comment.status == Status.APPROVED:
        context["comment_url"] = absolute(comment.get_absolute_url())
        message = _message(to, "Your comment was published", "published", context)
    elif comment.status in NOT_PUBLISHED:
        context["article_url"] = absolute(comment.article.get_absolute_url())
        message = _message(to, "Your comment was not published", "rejected", context)
    else:  # held again since the task was queued
        return False
    return _deliver([message]) == 1


@task
def send_reply_notice(reply_id: int) -> bool:
    """Tell a commenter that someone answered them."""
    reply = (
        Comment.objects.visible()
        .with_article()
        .select_related("parent")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None:
        return False
    to = reply_recipient(reply, reply.parent)
    if to is None:
        return False
    message = _message(
        to,
        "Someone replied to your comment",
        "reply",
        {
            "reply": reply,
            "article_title": _article_title(reply),
            "reply_url": absolute(reply.get_absolute_url()),
        },
    )
    return _deliver([message]) == 1


def moderator_addresses() -> list[str]:
    """Active staff who may change comments (moderators, superusers), by address."""
    users = (
        get_user_model()
        # Permissions live in the model backend (the other one, django-axes,
        # only counts failed logins).
        .objects.with_perm(
            "comments.change_comment",
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_staff=True)
        .exclude(email="")
    )
    addresses = sorted(
        {normalised(email) for email in users.values_list("email", flat=True)}
    )
    unsubscribed = {
        normalised(email)
        for email in Subscriber.objects.filter(
            email__in=addresses, unsubscribed_at__isnull=False
        ).values_list("email", flat=True)
    }
    return [a for a in addresses if a not in unsubscribed]


def _digest_line(comment: Comment) -> str:
    why = "Reported by readers" if comment.needs_review else comment.reason
    if not why:
        why = comment.get_rule_display()
    return (
        f"“{_article_title(comment)}”, by {_one_line(comment.author_name)}: "
        f"{_one_line(why)} (waiting {timesince(comment.created_at)})"
    )


@task
def send_moderation_digest() -> dict[str, int]:
    """One mail to each moderator saying how many comments wait; none if none wait."""
    waiting = Comment.objects.needing_decision()
    count = waiting.count()
    if not count:
        return {"waiting": 0, "sent": 0}
    oldest = waiting.select_related("article").order_by("created_at", "id")
    context = {
        "count": count,
        "oldest": [_digest_line(c) for c in oldest[:DIGEST_OLDEST]],
        "queue_url": absolute(reverse("admin:comments_comment_changelist")),
    }
    subject = f"{count} comment{'s' if count != 1 else ''} waiting for moderation"
    messages = [
        _message(to, subject, "digest", context) for to in moderator_addresses()
    ]
    sent = _deliver(messages)
    logger.info("Comment digest: %s waiting, sent to %s moderators", count, sent)
    return {"waiting": count, "sent": sent}
