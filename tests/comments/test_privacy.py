from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Subscriber
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")


def _remove_by_email(client, *comments: Comment):
    return client.post(
        QUEUE,
        {"action": "remove_by_email", "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_removal_takes_every_comment_of_the_address_on_every_article(admin_client):
    first, second = make_article(), make_article()
    selected = make_comment(first, author_email="Ada@Example.com", body="Mine 1.")
    make_comment(second, author_email="ada@example.com", body="Mine 2.")
    make_comment(second, author_email="ADA@example.COM", status="pending")
    kept = make_comment(second, author_email="bob@example.com", body="Bob's.")
    Subscriber.objects.create(email="ada@example.com")
    Subscriber.objects.create(email="bob@example.com")

    response = _remove_by_email(admin_client, selected)

    assert response.status_code == 200
    assert (
        "Removed 3 comments and 1 subscription of 1 e-mail address."
        in response.content.decode()
    )
    assert list(Comment.objects.all()) == [kept]
    assert list(Subscriber.objects.values_list("email", flat=True)) == [
        "bob@example.com"
    ]


def test_replies_by_other_people_stay_as_comments_of_their_own(admin_client, anon):
    article = make_article()
    removed = make_comment(article, author_email="ada@example.com", body="Gone.")
    reply = make_comment(article, parent=removed, body="A reply that stays.")

    _remove_by_email(admin_client, removed)

    reply.refresh_from_db()
    assert reply.parent is None
    page = anon.get(article.get_absolute_url()).content.decode()
    assert "A reply that stays." in page
    assert "Gone." not in page


def test_removal_needs_an_e_mail_address(admin_client):
    comment = make_comment(make_article(), author_email="")
    response = _remove_by_email(admin_client, comment)
    assert "None of the selected comments has an e-mail address." in (
        response.content.decode()
    )
    assert Comment.objects.filter(pk=comment.pk).exists()


def _aged(comment: Comment, days: int) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return comment


def _purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_comment_metadata", *args, stdout=out)
    return out.getvalue()


def test_purge_blanks_the_origin_of_old_comments_only(settings):
    settings.NEWSROOM_COMMENT_METADATA_DAYS = 30
    article = make_article()
    old = _aged(
        make_comment(article, ip_address="192.0.2.1", user_agent="Browser/1"), 31
    )
    young = _aged(
        make_comment(article, ip_address="192.0.2.2", user_agent="Browser/2"), 29
    )

    assert _purge() == (
        "Purged the network address and browser of 1 comment older than 30 days.\n"
    )

    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (young.ip_address, young.user_agent) == ("192.0.2.2", "Browser/2")
    assert "0 comments" in _purge()  # nothing left to purge


def test_purge_days_can_be_given(settings):
    settings.NEWSROOM_COMMENT_METADATA_DAYS = 90
    comment = _aged(make_comment(make_article(), ip_address="192.0.2.3"), 8)

    assert "of 1 comment older than 7 days" in _purge("--days", "7")

    comment.refresh_from_db()
    assert comment.ip_address is None
    with pytest.raises(CommandError):
        _purge("--days", "-1")


def test_purge_explains_itself(capsys):
    with pytest.raises(SystemExit):
        call_command("purge_comment_metadata", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "privacy" in text.lower()
    assert "daily from cron" in text
