import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments.models import Ban, Comment, Report
from tests.factories import make_article, make_comment, make_staff_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def moderator():
    user = make_staff_user()
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def test_a_moderator_works_the_queue(moderator_client, moderator):
    comment = make_comment(
        make_article(), body="Waiting for a moderator.", status="pending"
    )

    queue = moderator_client.get(QUEUE)
    assert queue.status_code == 200
    assert "Waiting for a moderator." in queue.content.decode()

    response = moderator_client.post(
        QUEUE, {"action": "approve", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.decided_by == moderator


def test_a_moderator_may_ban_and_open_the_moderation_lists(moderator_client):
    comment = make_comment(make_article(), author_email="troll@example.com")
    moderator_client.post(
        QUEUE, {"action": "ban_emails", "_selected_action": [comment.pk]}
    )
    assert Ban.objects.filter(value="troll@example.com").exists()
    for name in ("ban", "blockedword", "report", "subscriber"):
        url = reverse(f"admin:comments_{name}_changelist")
        assert moderator_client.get(url).status_code == 200, name


def test_a_moderator_cannot_reach_the_rest_of_the_desk(moderator_client):
    desk = reverse("admin:index")
    assert moderator_client.get(f"{desk}articles/article/").status_code == 403
    assert moderator_client.get(f"{desk}auth/user/").status_code == 403

    index = moderator_client.get(desk).content.decode()
    assert f"{desk}comments/comment/" in index
    assert f"{desk}articles/" not in index
    assert f"{desk}auth/" not in index


def test_a_moderator_deletes_a_reported_comment_with_its_reports(moderator_client):
    comment = make_comment(make_article())
    Report.objects.create(comment=comment, reporter="reader", reason="spam")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert moderator_client.get(url).status_code == 200

    response = moderator_client.post(
        QUEUE,
        {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert not Report.objects.exists()
