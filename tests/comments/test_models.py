import pytest
from django.core.exceptions import ValidationError

from comments.models import Comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_visible_means_approved_only():
    article = make_article()
    shown = make_comment(article)
    for status in ("pending", "rejected", "spam"):
        make_comment(article, status=status)
    assert list(Comment.objects.visible()) == [shown]
    assert Comment.objects.in_moderation().count() == 1


def test_a_reply_stays_on_its_article_and_never_answers_itself():
    article = make_article()
    comment = make_comment(article)
    comment.parent = comment
    with pytest.raises(ValidationError, match="cannot reply to itself"):
        comment.full_clean()
    elsewhere = make_comment(make_article())
    reply = Comment(article=article, parent=elsewhere, author_name="R", body="x")
    with pytest.raises(ValidationError, match="same article"):
        reply.full_clean()
