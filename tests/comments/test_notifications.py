"""E-mail to commenters (opt-in, confirmed once) and the moderators' digest."""

from __future__ import annotations

import email.policy
import io
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import notifications
from comments.models import Ban, Comment, Subscriber
from comments.moderation import decide
from comments.signing import email_token
from tests.comments.posting import post_comment
from tests.factories import make_article, make_comment, make_staff_user

BASE = "https://news.example"
ADA = "ada@example.com"
BOB = "bob@example.com"
LINK = re.compile(r"https://news\.example/\S+")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.NEWSROOM_SITE_NAME = "The Daily Ledger"
    settings.NEWSROOM_BASE_URL = BASE


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Runs what waits for the commit, as if each step's transaction committed."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def moderator(db) -> User:
    user = make_staff_user(email="moderator@example.com")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def link_to(message, kind: str) -> str:
    urls = LINK.findall(message.body)
    return next(url for url in urls if f"/comments/email/{kind}/" in url)


def assert_unsubscribable(message) -> None:
    """Site name, a signed unsubscribe link in the body and RFC 8058 headers."""
    unsubscribe = link_to(message, "unsubscribe")
    assert "The Daily Ledger" in message.body
    assert "The Daily Ledger" in message.subject
    # As the SMTP backend writes it: the link on one line, not encoded.
    sent = message.message(policy=email.policy.SMTP)
    assert f"List-Unsubscribe: <{unsubscribe}>\r\n".encode() in sent.as_bytes()
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.get_content_type() == "text/plain"


def post_held(commit, client: Client, article, **fields) -> Comment:
    with commit():
        response = post_comment(client, article, wants_email="on", **fields)
    assert response.status_code == 303
    return Comment.objects.latest("id")


def confirm_by_mail(client: Client, message) -> None:
    response = client.post(link_to(message, "confirm"))
    assert response.status_code == 200
    assert "Address confirmed" in response.content.decode()


def confirmed_guest(commit, anon: Client, article, **fields) -> Comment:
    """Ada's held comment, her address confirmed through the link in the mail."""
    comment = post_held(commit, anon, article, **fields)
    confirm_by_mail(anon, mail.outbox[-1])
    mail.outbox.clear()
    return comment


@pytest.mark.django_db
def test_a_guest_gets_one_confirmation_and_nothing_else_until_confirming(
    commit, anon, moderator
):
    article = make_article(comment_policy="pre")
    first = post_held(commit, anon, article)
    assert [m.to for m in mail.outbox] == [[ADA]]
    message = mail.outbox[0]
    assert "Please confirm your e-mail address" in message.subject
    assert link_to(message, "confirm").startswith(BASE)
    assert_unsubscribable(message)

    post_held(commit, anon, article, body="A second thought.")
    with commit():
        decide(first, Comment.Status.APPROVED, by=moderator)
    assert len(mail.outbox) == 1
    assert not Subscriber.objects.get(email=ADA).may_receive_mail


@pytest.mark.django_db
def test_confirmation_is_sent_again_after_a_day_but_never_after_unsubscribing(
    commit, anon
):
    article = make_article(comment_policy="pre")
    post_held(commit, anon, article)
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=25))
    post_held(commit, anon, article, body="Another thought.")
    assert len(mail.outbox) == 2

    anon.post(link_to(mail.outbox[-1], "unsubscribe"))
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=3))
    post_held(commit, anon, article, body="A third thought.")
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_confirming_shows_a_button_and_only_the_post_confirms(commit, anon):
    post_held(commit, anon, make_article(comment_policy="pre"))
    url = link_to(mail.outbox[0], "confirm")

    page = anon.get(url)
    assert page.status_code == 200
    assert "Confirm my address" in page.content.decode()
    assert not page.cookies
    assert "no-cache" in page["Cache-Control"]
    assert Subscriber.objects.get(email=ADA).confirmed_at is None

    done = Client(enforce_csrf_checks=True).post(url)
    assert done.status_code == 200
    assert "will e-mail you about your comments" in done.content.decode()
    assert not done.cookies
    assert Subscriber.objects.get(email=ADA).may_receive_mail


@pytest.mark.django_db
def test_a_confirmed_guest_hears_that_a_held_comment_was_published(
    commit, anon, moderator
):
    comment = confirmed_guest(commit, anon, make_article(comment_policy="pre"))
    with commit():
        decide(comment, Comment.Status.APPROVED, by=moderator)

    [message] = mail.outbox
    assert message.to == [ADA]
    assert "Your comment was published" in message.subject
    assert f"{BASE}{comment.get_absolute_url()}" in message.body
    assert_unsubscribable(message)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Comment.Status.REJECTED, Comment.Status.SPAM])
def test_a_confirmed_guest_hears_why_a_comment_was_not_published(
    commit, anon, moderator, status
):
    article = make_article(comment_policy="pre", title="Budget day")
    comment = confirmed_guest(commit, anon, article, body="You are all idiots.")
    with commit():
        decide(comment, status, by=moderator, reason="Insults other readers & staff.")

    [message] = mail.outbox
    assert "Your comment was not published" in message.subject
    assert "Reason: Insults other readers & staff." in message.body
    assert "“Budget day”" in message.body
    assert "You are all idiots." in message.body
    assert_unsubscribable(message)


@pytest.mark.django_db
def test_a_comment_hidden_by_reports_and_restored_sends_nothing(commit, moderator):
    Subscriber.objects.create(email=ADA, confirmed_at=timezone.now())
    article = make_article()
    comment = make_comment(article, author_email=ADA, wants_email=True)
    comment.reports.create(reason="spam", reporter="someone")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)
    comment.refresh_from_db()
    with commit():
        decide(comment, Comment.Status.APPROVED, by=moderator)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reply_is_announced_to_the_author_of_the_comment_it_answers(
    commit, anon, moderator
):
    article = make_article(comment_policy="pre", title="Rail fares")
    parent = confirmed_guest(commit, anon, article)
    with commit():
        decide(parent, Comment.Status.APPROVED, by=moderator)
    mail.outbox.clear()

    bob = Client()
    reply = post_held(
        commit,
        bob,
        article,
        parent=str(parent.pk),
        author_name="Bob Writer",
        author_email=BOB,
        body="I disagree, and here is why.",
    )
    assert [m.to for m in mail.outbox] == [[BOB]]  # Bob's own confirmation only
    mail.outbox.clear()
    with commit():
        decide(reply, Comment.Status.APPROVED, by=moderator)

    [message] = mail.outbox
    assert message.to == [ADA]
    assert "Someone replied to your comment" in message.subject
    assert "Bob Writer replied to your comment on “Rail fares”" in message.body
    assert "I disagree, and here is why." in message.body
    assert f"{BASE}{reply.get_absolute_url()}" in message.body
    assert_unsubscribable(message)


@pytest.mark.django_db
def test_a_reply_published_at_once_is_announced_unless_it_is_ones_own(commit, anon):
    Subscriber.objects.create(email=ADA, confirmed_at=timezone.now())
    article = make_article(comment_policy="post")
    parent = make_comment(article, author_email=ADA, wants_email=True)
    with commit():
        post_comment(anon, article, parent=str(parent.pk), body="And another thing.")
    assert mail.outbox == []  # Ada answering herself
    with commit():
        post_comment(anon, article, parent=str(parent.pk), author_email=BOB)
    assert [m.to for m in mail.outbox] == [[ADA]]


@pytest.mark.django_db
def test_an_account_address_counts_as_confirmed(commit, moderator):
    reader = User.objects.create_user("grace", email="grace@example.com")
    client = Client()
    client.force_login(reader)
    comment = post_held(commit, client, make_article(comment_policy="pre"))
    assert mail.outbox == []  # no confirmation for an account's address
    with commit():
        decide(comment, Comment.Status.APPROVED, by=moderator)
    [message] = mail.outbox
    assert message.to == ["grace@example.com"]
    assert "Your comment was published" in message.subject


@pytest.mark.django_db
def test_unsubscribe_get_changes_nothing_and_post_stops_all_mail(
    commit, anon, moderator
):
    article = make_article(comment_policy="pre")
    comment = confirmed_guest(commit, anon, article)
    url = f"{BASE}{Subscriber.objects.get(email=ADA).get_unsubscribe_url()}"

    page = anon.get(url)
    assert page.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in page.content.decode()
    assert not page.cookies
    assert "no-cache" in page["Cache-Control"]
    assert Subscriber.objects.get(email=ADA).may_receive_mail

    done = anon.post(url)
    assert "You are unsubscribed" in done.content.decode()
    assert not done.cookies
    assert not Subscriber.objects.get(email=ADA).may_receive_mail
    parent = make_comment(article, author_email=ADA, wants_email=True)
    reply = make_comment(
        article, parent=parent, status=Comment.Status.PENDING, author_email=BOB
    )
    with commit():
        decide(comment, Comment.Status.REJECTED, by=moderator)
        decide(reply, Comment.Status.APPROVED, by=moderator)
    assert mail.outbox == []


@pytest.mark.django_db
def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(commit, anon):
    post_held(commit, anon, make_article(comment_policy="pre"))
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        header.strip("<>"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": "https://mail.example.net"},
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email=ADA).unsubscribed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        email_token(ADA)[:-2] + "xx",  # tampered
        email_token(ADA, "confirm"),  # made for the other link
    ],
)
def test_forged_unsubscribe_links_are_refused_clearly(anon, token):
    Subscriber.objects.create(email=ADA, confirmed_at=timezone.now())
    response = anon.post(f"/comments/email/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get(email=ADA).may_receive_mail


@pytest.mark.django_db
def test_forged_and_expired_confirmation_links_are_refused_clearly(anon, monkeypatch):
    Subscriber.objects.create(email=ADA)
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: 1_000_000_000.0)  # September 2001
        expired = email_token(ADA, "confirm")
    for token in ["garbage", email_token(ADA), expired]:
        for method in (anon.get, anon.post):
            response = method(f"/comments/email/confirm/{token}/")
            assert response.status_code == 400
            assert "damaged or has expired" in response.content.decode()
    assert Subscriber.objects.get(email=ADA).confirmed_at is None


@pytest.mark.django_db
def test_a_comment_rolled_back_sends_nothing(commit):
    article = make_article(comment_policy="pre")
    with commit() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        comment = make_comment(
            article,
            status=Comment.Status.PENDING,
            author_email=ADA,
            wants_email=True,
        )
        notifications.comment_posted(comment)
        raise RuntimeError("the posting failed after the comment was stored")
    assert callbacks == []
    assert mail.outbox == []
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_the_digest_goes_to_each_moderator_and_lists_the_oldest(moderator):
    User.objects.create_superuser("chief", email="chief@example.com")
    editor = make_staff_user(email="editor@example.com")  # may not moderate
    retired = make_staff_user(email="retired@example.com", is_active=False)
    retired.groups.add(Group.objects.get(name="Moderators"))
    make_staff_user().groups.add(Group.objects.get(name="Moderators"))  # no address
    article = make_article(title="Harbour plans")
    held = make_comment(
        article,
        status=Comment.Status.PENDING,
        author_name="Dee",
        reason="Contains the blocked word “scam”.",
    )
    Comment.objects.filter(pk=held.pk).update(
        created_at=timezone.now() - timedelta(hours=5)
    )
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, needs_review=True)  # published, reported since
    make_comment(article)  # published, nothing to do

    out = io.StringIO()
    call_command("send_comment_digest", stdout=out)

    assert out.getvalue() == (
        "3 comments wait for moderation; digest sent to 2 moderators.\n"
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chief@example.com",
        "moderator@example.com",
    ]
    assert editor.email not in [m.to[0] for m in mail.outbox]
    message = mail.outbox[0]
    assert "3 comments waiting for moderation" in message.subject
    assert "3 comments wait for a moderator's decision" in message.body
    lines = message.body.splitlines()
    oldest = lines.index("Waiting longest:") + 1
    assert lines[oldest].startswith(
        "- “Harbour plans”, by Dee: Contains the blocked word “scam”. (waiting 5"
    )
    assert "Reported by readers" in message.body
    assert f"{BASE}{reverse('admin:comments_comment_changelist')}" in message.body
    assert_unsubscribable(message)


@pytest.mark.django_db
def test_no_digest_when_nothing_waits_or_for_unsubscribed_moderators(moderator):
    make_comment(make_article())
    out = io.StringIO()
    call_command("send_comment_digest", stdout=out)
    assert out.getvalue() == "No comments wait for moderation; no digest sent.\n"
    assert mail.outbox == []

    make_comment(make_article(), status=Comment.Status.PENDING)
    Subscriber.objects.create(email=moderator.email, unsubscribed_at=timezone.now())
    call_command("send_comment_digest", stdout=out)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_banned_address_is_not_asked_to_confirm(commit, anon):
    Ban.objects.create(kind=Ban.Kind.EMAIL, value=ADA)
    with commit():
        response = post_comment(anon, make_article(), wants_email="on")
    assert response.status_code == 403
    assert mail.outbox == []


@pytest.mark.django_db
def test_links_use_the_site_host_when_no_base_url_is_set(commit, anon, settings):
    settings.NEWSROOM_BASE_URL = ""
    post_held(commit, anon, make_article(comment_policy="pre"))
    body = mail.outbox[0].body
    assert "http://testserver/comments/email/confirm/" in body
    assert "http://testserver/comments/email/unsubscribe/" in body
