from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from .querysets import CommentQuerySet
from .signing import email_token
from .text import matching_text

# The article page's discussion section and its heading; comment anchors
# live inside it.
DISCUSSION_ANCHOR = "comments"
DISCUSSION_HEADING_ID = "comments-heading"


def body_digest(body: str) -> str:
    """A fingerprint of a comment's words, blind to case and spacing (duplicates)."""
    return hashlib.sha256(matching_text(body).encode()).hexdigest()


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    class Rule(models.TextChoices):
        """What decided a comment's status; shown to moderators in the queue."""

        NONE = "", "—"
        PRE_MODERATION = "pre-moderation", "Pre-moderation"
        FIRST_TIME = "first-time", "First-time commenter"
        LINKS = "links", "Too many links"
        BLOCKLIST = "blocklist", "Blocked word"
        DUPLICATE = "duplicate", "Duplicate"
        BAN = "ban", "Banned address"
        REPORTS = "reports", "Reader reports"
        MODERATOR = "moderator", "Moderator"
        TRUSTED = "trusted", "Trusted commenter"
        POST_MODERATION = "post-moderation", "Post-moderation"

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="comments",
        # Served by comments_article_status_idx, which begins with it.
        db_index=False,
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A removed comment's replies stay, as comments of their own.
        on_delete=models.SET_NULL,
        related_name="replies",
        # Served by comments_parent_status_idx, which begins with it.
        db_index=False,
        help_text="The comment this one answers. Replies are one level deep.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        help_text="Set when a logged-in reader posted it.",
    )
    author_name = models.CharField("name", max_length=80)
    author_email = models.EmailField(
        "e-mail", blank=True, help_text="Never shown to readers."
    )
    body = models.TextField(help_text="Plain text; shown exactly as written.")
    body_digest = models.CharField(max_length=64, editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    rule = models.CharField(
        max_length=20,
        choices=Rule,
        blank=True,
        default="",
        help_text="The rule that decided the status.",
    )
    reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why it was decided, in words. When a comment is rejected, this "
        "is e-mailed to its author if they asked for e-mail: write it for them.",
    )
    needs_review = models.BooleanField(
        "reported",
        default=False,
        help_text="Readers reported it since a moderator last decided.",
    )
    wants_email = models.BooleanField(
        default=False,
        help_text="The commenter asked for e-mail about replies and moderation.",
    )
    ip_address = models.GenericIPAddressField(
        "address",
        null=True,
        blank=True,
        help_text="Kept for moderation only; purged after NEWSROOM_COMMENT_METADATA_DAYS.",
    )
    user_agent = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The approved comments of one article, oldest first (article page, feed).
            models.Index(
                fields=["article", "status", "created_at"],
                name="comments_article_status_idx",
            ),
            # Replies of the threads shown on a page.
            models.Index(
                fields=["parent", "status", "created_at"],
                name="comments_parent_status_idx",
            ),
            # "Has this address an approved comment?" (first-time rule, privacy),
            # whatever the case it was typed in (querysets.same_email).
            models.Index(
                Lower("author_email"), "status", name="comments_email_status_idx"
            ),
            # The same words posted lately (duplicate rules). Plain indexes
            # here and below: a field's db_index would add a second one for
            # LIKE on PostgreSQL, which no query makes.
            models.Index(fields=["body_digest"], name="comments_body_digest_idx"),
            # The moderation queue and its counts.
            models.Index(fields=["status"], name="comments_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="comments_comment_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.article_id}"

    def save(self, *args, **kwargs) -> None:
        self.body_digest = body_digest(self.body)
        if (
            kwargs.get("update_fields") is not None
            and "body" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_digest"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The comment in its thread's own page, which always shows it.

        The article page shows only the newest threads and the first few
        replies of each, so a link there could miss an older comment.
        """
        thread = self.parent_id or self.pk
        return f"{reverse('comments:thread', args=[thread])}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "A comment cannot reply to itself."})
        if self.parent.article_id != self.article_id:
            raise ValidationError({"parent": "Replies must be on the same article."})


class Report(models.Model):
    """A reader's report of one comment; one per reader per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off-topic", "Off topic"
        PRIVATE = "private", "Shares someone's private information"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=12, choices=Reason)
    detail = models.CharField(max_length=300, blank=True)
    # A keyed hash of the reader's account or address: enough to count
    # different readers, useless for finding them.
    reporter = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a moderator decided on the comment after this report.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comments_report_once_per_reader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class Ban(models.Model):
    """An e-mail address or network address that may not comment."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail address"
        ADDRESS = "address", "Network address"

    kind = models.CharField(max_length=8, choices=Kind)
    value = models.CharField(
        max_length=254, help_text="Stored in lower case; matched exactly."
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="comments_ban_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class BlockedWord(models.Model):
    """A word or phrase that holds a comment for a moderator (matched as whole words)."""

    word = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs) -> None:
        self.word = " ".join(self.word.casefold().split())
        super().save(*args, **kwargs)


class Subscriber(models.Model):
    """An e-mail address that may receive comment notifications.

    No mail but the confirmation goes to an address before it is confirmed,
    and none at all once it has unsubscribed.
    """

    email = models.EmailField(unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        indexes = [
            # Addresses are looked up whatever their case (querysets.same_email).
            models.Index(Lower("email"), name="comments_subscriber_email_idx"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def may_receive_mail(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def get_unsubscribe_url(self) -> str:
        return reverse("comments:unsubscribe", args=[email_token(self.email)])
