from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.models import Article, Byline
from tests.articles.desk.workflow_support import (
    add_rows,
    add_url,
    change_url,
    client_for,
    desk_editor,
    desk_editor_client,
    form_data,
    in_group,
    new_article_data,
    published_at_fields,
    writer,
    writer_client,
)
from tests.factories import make_article, make_author, make_category, make_comment

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client", "writer", "writer_client"]


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_roles_are_groups_with_their_permissions():
    writers, editors = _perms(roles.WRITERS), _perms(roles.EDITORS)
    assert {
        "articles.add_article",
        "articles.change_article",
        "articles.add_section",
        "articles.add_byline",
        "articles.view_author",
        "articles.add_figure",
        "articles.view_image",
    } <= writers
    assert roles.PUBLISH_PERMISSION not in writers
    assert "articles.delete_article" not in writers
    assert "articles.change_category" not in writers
    assert {
        roles.PUBLISH_PERMISSION,
        "articles.delete_article",
        "articles.change_category",
        "articles.add_author",
        "articles.change_author",
        "taggit.change_tag",
        "taggit.delete_tag",
    } <= editors
    assert not any(perm.startswith("comments.") for perm in writers | editors)


def test_roles_come_back_complete_after_a_flush_like_reset():
    Group.objects.filter(name__in=[roles.WRITERS, roles.EDITORS]).delete()
    roles.complete_roles(apps.get_app_config("articles"))
    assert roles.PUBLISH_PERMISSION in _perms(roles.EDITORS)
    assert "articles.add_article" in _perms(roles.WRITERS)


# -- writers ------------------------------------------------------------------


def test_writer_creates_a_draft(writer, writer_client):
    data = new_article_data(writer_client, make_category())
    response = writer_client.post(add_url(), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="budget-vote-tonight")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == writer
    assert article.published_at is None


def test_writer_edits_their_own_draft(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    data = form_data(writer_client, change_url(draft))
    data["title"] = "A better headline"
    response = writer_client.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "A better headline"


def test_writer_edits_a_draft_that_carries_their_byline(writer, writer_client):
    draft = make_article(
        status="draft", published_at=None, authors=[writer.author_profile]
    )
    data = form_data(writer_client, change_url(draft))
    data["title"] = "Bylined and edited"
    assert writer_client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Bylined and edited"


def test_writer_submits_an_article_for_review(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    data = form_data(writer_client, change_url(draft))
    data["status"] = "review"
    response = writer_client.post(change_url(draft), data, follow=True)
    assert "Submitted for review." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


def test_writer_form_offers_no_way_to_publish_or_schedule(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    html = writer_client.get(change_url(draft)).content.decode()
    assert '<option value="review">In review</option>' in html
    assert 'value="published"' not in html
    assert 'name="published_at_0"' not in html


def test_writer_cannot_publish_through_the_form(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    data = form_data(writer_client, change_url(draft))
    data["status"] = "published"
    response = writer_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_writer_cannot_schedule_with_a_forged_publication_time(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    data = form_data(writer_client, change_url(draft))
    data.update(published_at_fields("2031-05-04", "09:00:00"), status="review")
    writer_client.post(change_url(draft), data)
    draft.refresh_from_db()
    assert draft.published_at is None


def test_saving_a_publication_without_the_permission_is_refused_server_side(writer):
    """The form offers no "published" to a writer; should it ever, the save still fails."""
    model_admin = admin.site._registry[Article]
    draft = make_article(status="draft", published_at=None, created_by=writer)
    request = RequestFactory().post(change_url(draft))
    request.user = writer
    draft.status = Article.Status.PUBLISHED
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, draft, form=None, change=True)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


@pytest.mark.parametrize("action", ["publish_now", "return_to_draft"])
def test_writer_cannot_publish_or_unpublish_through_the_list(
    writer, writer_client, action
):
    draft = make_article(
        status="draft", published_at=None, created_by=writer, authors=[make_author()]
    )
    live = make_article(created_by=writer, authors=[make_author()])
    changelist = reverse("admin:articles_article_changelist")
    assert f'value="{action}"' not in writer_client.get(changelist).content.decode()
    writer_client.post(
        changelist,
        {"action": action, "_selected_action": [draft.pk, live.pk], "index": "0"},
    )
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert live.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("whose", ["own", "another writer's"])
def test_writer_cannot_edit_published_work(writer, writer_client, whose):
    creator = writer if whose == "own" else in_group(roles.WRITERS)
    live = make_article(title="As published", created_by=creator)
    html = writer_client.get(change_url(live)).content.decode()
    assert 'name="title"' not in html  # shown, read-only
    data = form_data(writer_client, change_url(live))
    data["title"] = "Rewritten"
    response = writer_client.post(change_url(live), data)
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.title == "As published"


def test_writer_cannot_edit_another_writers_draft(writer_client):
    other = in_group(roles.WRITERS)
    draft = make_article(status="draft", published_at=None, created_by=other)
    data = form_data(writer_client, change_url(draft))
    data["title"] = "Taken over"
    assert writer_client.post(change_url(draft), data).status_code == 403
    draft.refresh_from_db()
    assert draft.title != "Taken over"


def test_writer_cannot_add_parts_to_another_writers_draft(writer_client):
    draft = make_article(
        status="draft", published_at=None, created_by=in_group(roles.WRITERS)
    )
    data = form_data(writer_client, change_url(draft))
    add_rows(data, "bylines", [{"author": make_author().pk, "position": 5}])
    assert writer_client.post(change_url(draft), data).status_code == 403
    assert not Byline.objects.filter(article=draft).exists()


def test_writer_sees_no_comments():
    client = client_for(in_group(roles.WRITERS))
    make_comment(make_article())
    assert client.get(reverse("admin:comments_comment_changelist")).status_code == 403


# -- editors ------------------------------------------------------------------


def test_editor_publishes_through_the_form(desk_editor_client):
    author = make_author()
    data = new_article_data(desk_editor_client, make_category(), status="published")
    add_rows(data, "bylines", [{"author": author.pk, "position": 0}])
    response = desk_editor_client.post(add_url(), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(slug="budget-vote-tonight").is_public


def test_editor_publishes_and_unpublishes_through_the_list(desk_editor_client):
    draft = make_article(status="draft", published_at=None, authors=[make_author()])
    changelist = reverse("admin:articles_article_changelist")
    desk_editor_client.post(
        changelist, {"action": "publish_now", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.is_public
    desk_editor_client.post(
        changelist, {"action": "return_to_draft", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_editor_edits_anyones_published_article(desk_editor_client):
    live = make_article(created_by=in_group(roles.WRITERS), authors=[make_author()])
    data = form_data(desk_editor_client, change_url(live))
    data["title"] = "Corrected headline"
    response = desk_editor_client.post(change_url(live), data, follow=True)
    # Kept as changes not yet live (articles/admin/revisions.py).
    assert response.redirect_chain
    assert "Changes saved, not yet live" in response.content.decode()


@pytest.mark.parametrize(
    "listing",
    [
        "admin:articles_category_changelist",
        "admin:articles_author_changelist",
        "admin:taggit_tag_changelist",
    ],
)
def test_editor_manages_categories_authors_and_tags(desk_editor_client, listing):
    assert desk_editor_client.get(reverse(listing)).status_code == 200


# -- moderators -----------------------------------------------------------------


def test_moderator_sees_comments_only():
    client = client_for(in_group("Moderators"))
    make_comment(make_article(title="A discussed story"))
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:comments_comment_changelist") in index
    assert reverse("admin:articles_article_changelist") not in index
    assert client.get(reverse("admin:comments_comment_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert client.get(add_url()).status_code == 403


# -- the review queue -------------------------------------------------------------


def test_waiting_for_review_lists_what_writers_submitted(desk_editor_client):
    make_article(title="Submitted story", status="review", published_at=None)
    make_article(title="Unfinished story", status="draft", published_at=None)
    make_article(title="Live story")
    make_article(title="Later story", published_at=timezone.now() + timedelta(days=1))
    changelist = reverse("admin:articles_article_changelist")
    html = desk_editor_client.get(changelist).content.decode()
    assert "Waiting for review" in html
    html = desk_editor_client.get(changelist, {"queue": "review"}).content.decode()
    assert "Submitted story" in html
    assert "Unfinished story" not in html and "Live story" not in html
    html = desk_editor_client.get(changelist, {"queue": "scheduled"}).content.decode()
    assert "Later story" in html and "Live story" not in html
