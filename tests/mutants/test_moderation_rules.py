"""Moderation rules (comments/moderation.py): bans, trust, duplicates, reports, and the reasons recorded.

Each verdict is checked with the sentence a moderator reads. Written for the
mutants that survived ``make mutants`` (docs/mutants.md).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.utils import timezone

from comments.models import Ban, BlockedWord, Comment, Report, Subscriber
from comments.moderation import (
    DUPLICATE_MIN_CHARS,
    banned,
    decide,
    is_trusted,
    judge,
    report,
)
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

LONG = "Buy cheap watches now, the best prices anywhere in town"


@pytest.fixture
def article(settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    return make_article()


def _verdict(article, body=LONG, email="b@example.com", **kwargs):
    verdict = judge(article, body=body, email=email, address="203.0.113.5", **kwargs)
    return verdict.status, verdict.rule, verdict.reason


# Bans


def test_a_ban_on_an_ipv6_network_covers_every_address_in_it():
    ban = Ban.objects.create(kind=Ban.Kind.ADDRESS, value="2001:db8:abcd:12::/64")
    assert banned("", "2001:db8:abcd:12:fe01::9") == ban
    assert banned("", "2001:db8:abcd:13::9") is None


def test_bans_name_one_address_not_everyone():
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="troll@example.com")
    Ban.objects.create(kind=Ban.Kind.ADDRESS, value="198.51.100.66")
    assert banned("ada@example.com", "203.0.113.5") is None


def test_readers_without_an_email_never_match_an_empty_email_ban():
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="")
    assert banned("", "203.0.113.5") is None


# Trust


def _reader(**fields) -> User:
    return User.objects.create_user(username=f"reader{User.objects.count()}", **fields)


def test_an_account_with_an_approved_comment_is_trusted(settings):
    settings.NEWSROOM_COMMENT_MODERATION = "first-time"
    reader = _reader()
    make_comment(make_article(), user=reader)
    assert _verdict(make_article(), body="Me again.", email="", user=reader) == (
        "approved",
        "trusted",
        "Has an approved comment.",
    )


def test_staff_are_trusted_before_their_first_comment():
    assert is_trusted("", _reader(is_staff=True))


def test_an_account_is_not_trusted_for_comments_guests_wrote(settings):
    settings.NEWSROOM_COMMENT_MODERATION = "first-time"
    make_comment(make_article())  # a guest's approved comment, no account
    assert _verdict(make_article(), body="Hello.", email="", user=_reader()) == (
        "pending",
        "first-time",
        "First comment from this address.",
    )


def test_no_email_and_no_account_is_never_trusted():
    make_comment(make_article(), author_email="")
    assert not is_trusted("", None)


@pytest.mark.parametrize(
    ("subscriber", "confirmed"),
    [("someone.else@example.com", True), ("known@example.com", False)],
    ids=["another-address-confirmed", "this-address-unconfirmed"],
)
def test_only_a_confirmed_subscription_to_this_address_proves_a_guest(
    subscriber, confirmed
):
    make_comment(make_article(), author_email="known@example.com")
    Subscriber.objects.create(
        email=subscriber, confirmed_at=timezone.now() if confirmed else None
    )
    assert not is_trusted("known@example.com", None)


# Duplicates


def test_a_different_text_from_someone_else_is_no_duplicate(article):
    make_comment(make_article(), body=LONG.replace("watches", "clocks"))
    assert _verdict(article)[:2] == ("approved", "post-moderation")


def test_the_same_text_posted_before_yesterday_is_no_duplicate(article):
    old = make_comment(make_article(), body=LONG, author_email="a@example.com")
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    assert _verdict(article)[:2] == ("approved", "post-moderation")


def test_repeating_your_own_words_is_no_duplicate(article):
    make_comment(make_article(), body=LONG, author_email="b@example.com")
    assert _verdict(article, email="B@Example.com")[:2] == (
        "approved",
        "post-moderation",
    )


def test_an_account_repeating_its_own_words_is_no_duplicate(article):
    reader = _reader()
    make_comment(make_article(), body=LONG, user=reader, author_email="")
    assert _verdict(article, email="", user=reader)[:2] == (
        "approved",
        "post-moderation",
    )


def test_someone_elses_copy_is_held_from_the_minimum_length(article):
    body = "x" * DUPLICATE_MIN_CHARS
    make_comment(make_article(), body=body, author_email="a@example.com")
    assert _verdict(article, body=body) == (
        "pending",
        "duplicate",
        "The same text was posted by someone else in the last day.",
    )
    reader = _reader()  # an account's copy of someone else's words, too
    assert _verdict(article, body=body, email="", user=reader)[1] == "duplicate"


def test_a_guest_whose_address_is_confirmed_is_trusted(settings):
    settings.NEWSROOM_COMMENT_MODERATION = "first-time"
    make_comment(make_article(), author_email="known@example.com")
    Subscriber.objects.create(email="known@example.com", confirmed_at=timezone.now())
    assert _verdict(make_article(), body="Me again.", email="KNOWN@example.com") == (
        "approved",
        "trusted",
        "Has an approved comment.",
    )
    assert is_trusted("known@example.com", AnonymousUser())


def test_a_guest_who_proved_the_address_by_signing_in_is_trusted(settings):
    settings.NEWSROOM_COMMENT_MODERATION = "first-time"
    make_comment(make_article(), author_email="known@example.com")
    verdict = _verdict(
        make_article(),
        body="Me again.",
        email="Known@example.com",
        proven_email="known@EXAMPLE.com",
    )
    assert verdict[:2] == ("approved", "trusted")
    assert _verdict(make_article(), body="Me again.", email="known@example.com")[
        :2
    ] == ("pending", "first-time")


# The sentences moderators read


def test_a_blocked_word_holds_a_comment_as_a_whole_word_only(article):
    BlockedWord.objects.create(word="Scam")
    BlockedWord.objects.create(word="bad deal")
    assert _verdict(article, body="What a SCAM, honestly.") == (
        "pending",
        "blocklist",
        "Contains the blocked word “scam”.",
    )
    assert _verdict(article, body="Such a  Bad\nDeal.")[2] == (
        "Contains the blocked word “bad deal”."
    )
    assert _verdict(article, body="Scampi for dinner.")[:2] == (
        "approved",
        "post-moderation",
    )


def test_more_links_than_allowed_hold_a_comment(article, settings):
    settings.NEWSROOM_COMMENT_MAX_LINKS = 2
    three = "See https://a.example and www.b.example and http://c.example/x"
    assert _verdict(article, body=three) == (
        "pending",
        "links",
        "3 links (more than 2).",
    )
    two = "One https://a.example two www.b.example"
    assert _verdict(article, body=two)[:2] == ("approved", "post-moderation")


def test_pre_moderation_says_why(settings):
    settings.NEWSROOM_COMMENT_MODERATION = "pre"
    assert _verdict(make_article(), body="Hello.") == (
        "pending",
        "pre-moderation",
        "Every comment here is reviewed first.",
    )


def test_post_moderation_says_why(article):
    assert _verdict(article, body="Hello.") == (
        "approved",
        "post-moderation",
        "Published at once.",
    )


# Reports


def test_a_report_keeps_its_reason_and_detail():
    comment = make_comment(make_article())
    assert report(comment, reporter="r1", reason="spam", detail="Sells watches")
    assert report(comment, reporter="r2", reason="abuse")
    assert list(Report.objects.values_list("reason", "detail").order_by("id")) == [
        ("spam", "Sells watches"),
        ("abuse", ""),
    ]


def test_reporting_a_held_comment_does_not_mark_it_reported_again():
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    report(comment, reporter="r1", reason="spam")
    comment.refresh_from_db()
    assert (comment.status, comment.needs_review) == ("pending", False)


def test_enough_reports_hide_a_comment_and_send_it_back_for_review(settings):
    settings.NEWSROOM_COMMENT_REPORTS_TO_HIDE = 1
    comment = make_comment(make_article())
    report(comment, reporter="r1", reason="abuse")
    comment.refresh_from_db()
    assert (comment.status, comment.rule, comment.needs_review) == (
        "pending",
        "reports",
        True,
    )
    assert comment.reason == "Hidden after 1 reader reports."


# Moderators' decisions


def test_a_decision_does_not_bring_back_an_address_the_purge_removed():
    comment = make_comment(
        make_article(), ip_address="203.0.113.5", user_agent="Firefox/140"
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    # The moderator's copy of the comment was loaded before the purge ran.
    call_command("purge_comment_metadata", days=30, stdout=StringIO())
    assert decide(comment, Comment.Status.REJECTED, by=_reader(is_staff=True))
    comment.refresh_from_db()
    assert (comment.status, comment.ip_address, comment.user_agent) == (
        "rejected",
        None,
        "",
    )


def test_a_decision_is_recorded_with_its_moderator_and_settles_reports():
    moderator = _reader(is_staff=True)
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    report(comment, reporter="r1", reason="spam")
    assert decide(comment, Comment.Status.SPAM, by=moderator)
    comment.refresh_from_db()
    assert (comment.status, comment.rule, comment.reason) == (
        "spam",
        "moderator",
        "Spam by a moderator.",
    )
    assert (comment.decided_by, comment.needs_review) == (moderator, False)
    assert comment.decided_at is not None
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    # The same decision again changes nothing.
    assert not decide(comment, Comment.Status.SPAM, by=moderator)
    assert decide(comment, Comment.Status.APPROVED, by=moderator, reason="Fine.")
    comment.refresh_from_db()
    assert (comment.status, comment.reason) == ("approved", "Fine.")


def test_a_decision_without_a_signed_in_moderator_names_no_one():
    comment = make_comment(make_article())
    assert decide(comment, Comment.Status.REJECTED, by=AnonymousUser())
    comment.refresh_from_db()
    assert (comment.status, comment.decided_by) == ("rejected", None)
