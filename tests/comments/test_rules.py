"""Each moderation rule, and the reason it records for the moderator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import CommentPolicy
from comments.models import Ban, BlockedWord, Comment, Subscriber
from comments.policy import closed_reason
from comments.signing import COMMENTER_COOKIE
from tests.comments.posting import post_comment
from tests.factories import make_article, make_category, make_comment

pytestmark = pytest.mark.django_db


def _posted(client, article, **fields) -> Comment:
    post_comment(client, article, **fields)
    return Comment.objects.order_by("-id").first()


def test_first_time_rule_holds_an_address_without_an_approved_comment(anon):
    held = _posted(anon, make_article(), author_email="new@example.com")
    assert (held.status, held.rule) == ("pending", "first-time")
    assert held.reason == "First comment from this address."


def test_a_typed_address_alone_does_not_make_anyone_trusted(anon):
    make_comment(make_article(), author_email="known@example.com")
    impostor = _posted(anon, make_article(), author_email="Known@Example.com")
    assert (impostor.status, impostor.rule) == ("pending", "first-time")


def test_the_browser_that_posted_before_is_trusted_once_approved(anon):
    article = make_article()
    first = _posted(anon, article, author_email="known@example.com", body="One.")
    assert first.status == "pending"
    assert anon.cookies[COMMENTER_COOKIE]["path"] == "/comments/"
    first.status = "approved"
    first.save()
    again = _posted(anon, article, author_email="known@example.com", body="Two.")
    assert (again.status, again.rule) == ("approved", "trusted")


def test_an_address_confirmed_by_email_is_trusted(anon):
    make_comment(make_article(), author_email="known@example.com")
    Subscriber.objects.create(email="known@example.com", confirmed_at=timezone.now())
    trusted = _posted(anon, make_article(), author_email="KNOWN@example.com")
    assert (trusted.status, trusted.rule) == ("approved", "trusted")


@pytest.mark.parametrize(
    ("site", "category", "article_policy", "expected"),
    [
        ("pre", "", "", ("pending", "pre-moderation")),
        ("post", "", "", ("approved", "post-moderation")),
        ("first-time", "pre", "", ("pending", "pre-moderation")),
        ("pre", "post", "", ("approved", "post-moderation")),
        ("pre", "post", "pre", ("pending", "pre-moderation")),
        ("post", "pre", "post", ("approved", "post-moderation")),
    ],
)
def test_policy_comes_from_article_then_category_then_site(
    anon, settings, site, category, article_policy, expected
):
    settings.NEWSROOM_COMMENT_MODERATION = site
    article = make_article(
        category=make_category(comment_policy=category), comment_policy=article_policy
    )
    comment = _posted(anon, article)
    assert (comment.status, comment.rule) == expected


@pytest.mark.parametrize("where", ["article", "category"])
def test_policy_off_closes_the_discussion(anon, where):
    if where == "article":
        article = make_article(comment_policy=CommentPolicy.OFF)
    else:
        article = make_article(category=make_category(comment_policy=CommentPolicy.OFF))
    response = post_comment(anon, article)
    assert response.status_code == 403
    assert "closed" in response.content.decode()
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed" in html and "Add a comment" not in html
    assert not Comment.objects.exists()


def test_discussion_closes_after_the_categorys_days(anon):
    category = make_category(comments_close_after_days=3)
    fresh = make_article(category=category)
    old = make_article(
        category=category, published_at=timezone.now() - timedelta(days=4)
    )
    assert closed_reason(fresh) == ""
    assert "ended" in closed_reason(old)
    assert post_comment(anon, old).status_code == 403
    assert post_comment(anon, fresh).status_code == 303


def test_links_hold_a_comment(anon, settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    body = "See https://a.example and www.b.example and http://c.example/x"
    comment = _posted(anon, make_article(), body=body)
    assert (comment.status, comment.rule) == ("pending", "links")
    assert comment.reason == "3 links (more than 2)."
    fine = _posted(anon, make_article(), body="One https://a.example two www.b.example")
    assert fine.status == "approved"


def test_blocked_words_match_whole_words_only(anon, settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    BlockedWord.objects.create(word="Scam")
    held = _posted(anon, make_article(), body="What a SCAM, honestly.")
    assert (held.status, held.rule) == ("pending", "blocklist")
    assert held.reason == "Contains the blocked word “scam”."
    fine = _posted(anon, make_article(), body="Scampi for dinner.")
    assert fine.status == "approved"


def test_the_same_text_from_someone_else_is_held_as_duplicate(anon, settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    make_comment(
        make_article(),
        body="Buy cheap watches now, the best prices in town",
        author_email="a@example.com",
    )
    copy = _posted(
        anon,
        make_article(),
        body="buy  CHEAP watches now, the best\u200b prices in town",
        author_email="b@example.com",
    )
    assert (copy.status, copy.rule) == ("pending", "duplicate")


def test_the_same_text_from_someone_else_over_a_day_ago_is_no_duplicate(anon, settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    words = "Buy cheap watches now, the best prices in town"
    old = make_comment(make_article(), body=words, author_email="a@example.com")
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    fresh = _posted(anon, make_article(), body=words, author_email="b@example.com")
    assert fresh.status == "approved"
    third = _posted(anon, make_article(), body=words, author_email="c@example.com")
    assert (third.status, third.rule) == ("pending", "duplicate")


@pytest.mark.parametrize(
    ("kind", "value", "fields"),
    [
        (Ban.Kind.EMAIL, "Troll@Example.com", {"author_email": "troll@example.com"}),
        (Ban.Kind.ADDRESS, "203.0.113.5", {}),
    ],
)
def test_banned_posters_are_refused_and_the_rule_recorded(anon, kind, value, fields):
    Ban.objects.create(kind=kind, value=value)
    response = post_comment(anon, make_article(), **fields)
    assert response.status_code == 403
    assert "not accepted" in response.content.decode()
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == ("rejected", "ban")


def test_rate_limit_answers_429_with_retry_after_and_keeps_the_text(anon, settings):
    settings.NEWSROOM_COMMENT_RATE = "2/m"
    article = make_article()
    for n in range(2):
        assert post_comment(anon, article, body=f"Fast {n}").status_code == 303
    response = post_comment(anon, article, body="One too many.")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "One too many." in response.content.decode()
    assert Comment.objects.count() == 2


def test_rate_limit_counts_per_email_across_addresses(anon, settings):
    settings.NEWSROOM_COMMENT_RATE = "1/h"
    article = make_article()
    post_comment(anon, article, body="First.", headers={"REMOTE_ADDR": "198.51.100.1"})
    response = post_comment(
        anon, article, body="Second.", headers={"REMOTE_ADDR": "198.51.100.2"}
    )
    assert response.status_code == 429


def test_proxy_header_is_used_only_when_trusted(anon, settings):
    article = make_article()
    forwarded = {"HTTP_X_FORWARDED_FOR": "192.0.2.77, 198.51.100.9"}
    post_comment(anon, article, body="Untrusted header.", headers=forwarded)
    assert Comment.objects.get().ip_address == "203.0.113.5"
    settings.NEWSROOM_CLIENT_IP_HEADER = "X-Forwarded-For"
    post_comment(anon, article, body="Trusted header.", headers=forwarded)
    assert Comment.objects.get(body="Trusted header.").ip_address == "198.51.100.9"


def test_short_common_replies_are_not_duplicates(anon, settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    make_comment(make_article(), body="Agreed.", author_email="a@example.com")
    same = _posted(anon, make_article(), body="Agreed.", author_email="b@example.com")
    assert same.status == "approved"


def test_invisible_characters_do_not_hide_a_blocked_word(anon, settings):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    BlockedWord.objects.create(word="spam")
    for disguised in ("sp\u2060am", "sp\u00adam", "sp\u200cam", "s\u034fpam"):
        held = _posted(anon, make_article(), body=f"Total {disguised} here.")
        assert (held.status, held.rule) == ("pending", "blocklist"), disguised
