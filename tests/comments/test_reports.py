import pytest
from django.urls import reverse

from comments.models import Comment
from comments.moderation import decide
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def _report(client, comment, address, reason="abuse"):
    return client.post(
        reverse("comments:report", args=[comment.pk]),
        {"reason": reason, "detail": "Rude."},
        HTTP_SEC_FETCH_SITE="same-origin",
        REMOTE_ADDR=address,
    )


def test_report_page_offers_reasons(anon):
    comment = make_comment(make_article())
    response = anon.get(reverse("comments:report", args=[comment.pk]))
    assert response.status_code == 200
    assert "Abusive or hateful" in response.content.decode()
    assert not response.cookies


def test_a_report_puts_an_approved_comment_back_in_the_queue(anon):
    comment = make_comment(make_article())
    response = _report(anon, comment, "198.51.100.1")
    assert response.status_code == 200
    assert "A moderator will look" in response.content.decode()
    comment.refresh_from_db()
    assert comment.needs_review and comment.status == "approved"
    assert Comment.objects.needing_decision().get() == comment


def test_the_same_reader_counts_once(anon, settings):
    settings.NEWSROOM_COMMENT_REPORTS_TO_HIDE = 2
    comment = make_comment(make_article())
    _report(anon, comment, "198.51.100.1")
    again = _report(anon, comment, "198.51.100.1")
    assert "already" in again.content.decode()
    comment.refresh_from_db()
    assert comment.reports.count() == 1 and comment.status == "approved"


def test_enough_readers_hide_a_comment_until_a_moderator_decides(anon, settings):
    settings.NEWSROOM_COMMENT_REPORTS_TO_HIDE = 3
    comment = make_comment(make_article(), body="Contested words.")
    for n in range(3):
        _report(anon, comment, f"198.51.100.{n + 1}")
    comment.refresh_from_db()
    assert (comment.status, comment.rule) == ("pending", "reports")
    assert comment.reason == "Hidden after 3 reader reports."
    html = anon.get(comment.article.get_absolute_url()).content.decode()
    assert "Contested words." not in html
    decide(comment, Comment.Status.APPROVED, by=None, reason="Fair comment.")
    comment.refresh_from_db()
    assert not comment.needs_review
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    # Reported again after the decision: back in the queue, nothing lost.
    _report(anon, comment, "198.51.100.50")
    comment.refresh_from_db()
    assert comment.needs_review and comment.status == "approved"
    assert comment.reports.count() == 4


def test_report_without_a_reason_is_400(anon):
    comment = make_comment(make_article())
    response = anon.post(
        reverse("comments:report", args=[comment.pk]),
        {},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 400
    assert not comment.reports.exists()


def test_hidden_comments_cannot_be_reported(anon):
    comment = make_comment(make_article(), status="pending")
    assert anon.get(reverse("comments:report", args=[comment.pk])).status_code == 404
