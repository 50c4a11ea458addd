import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.models import Article, PendingEdit
from comments.models import Comment
from tests.articles.desk.workflow_support import (
    change_url,
    client_for,
    desk_editor,
    desk_editor_client,
    in_group,
    writer,
    writer_client,
)
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client", "writer", "writer_client"]


def _panel(html: str, title: str) -> str:
    """The text of the home page's list headed ``title``, tags removed."""
    start = html.index(f">{title}</a>") + 1
    section = html[start : html.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def _draft(**fields):
    return make_article(status="draft", published_at=None, **fields)


def test_home_lists_my_drafts_only(writer, writer_client):
    mine = _draft(title="My own draft", created_by=writer)
    bylined = _draft(title="Draft under my name", authors=[writer.author_profile])
    _draft(title="Someone else's draft", created_by=in_group(roles.WRITERS))
    html = writer_client.get(reverse("admin:index")).content.decode()
    panel = _panel(html, "My drafts")
    assert panel.startswith("My drafts (2)")
    assert "My own draft" in panel and "Draft under my name" in panel
    assert "Someone else" not in panel
    assert f'href="{change_url(mine)}"' in html
    assert f'href="{change_url(bylined)}"' in html


def test_home_shows_editors_everything_waiting_for_review(desk_editor_client, writer):
    make_article(title="Submitted yesterday", status="review", published_at=None)
    make_article(
        title="Submitted by Wren", status="review", published_at=None, created_by=writer
    )
    _draft(title="Not submitted")
    html = desk_editor_client.get(reverse("admin:index")).content.decode()
    panel = _panel(html, "Waiting for review")
    assert panel.startswith("Waiting for review (2)")
    assert "Submitted yesterday" in panel and "Submitted by Wren" in panel
    assert "Not submitted" not in panel
    changelist = reverse("admin:articles_article_changelist")
    assert f'<a href="{changelist}?queue=review">Waiting for review</a>' in html


def test_home_shows_writers_their_own_articles_in_review(writer, writer_client):
    make_article(
        title="Mine in review", status="review", published_at=None, created_by=writer
    )
    make_article(title="Theirs in review", status="review", published_at=None)
    html = writer_client.get(reverse("admin:index")).content.decode()
    panel = _panel(html, "My articles in review")
    assert "Mine in review" in panel and "Theirs in review" not in panel
    assert "Waiting for review" not in html


@pytest.fixture
def in_june():
    with time_machine.travel(datetime(2027, 6, 1, 9, 0, tzinfo=UTC), tick=False):
        yield


def test_home_lists_scheduled_articles_with_newsroom_times(
    in_june, settings, desk_editor_client
):
    settings.TIME_ZONE = "Europe/London"
    make_article(
        title="Goes out later", published_at=datetime(2027, 6, 2, 13, 0, tzinfo=UTC)
    )
    make_article(
        title="Goes out first", published_at=datetime(2027, 6, 1, 17, 30, tzinfo=UTC)
    )
    make_article(title="Already live")
    panel = _panel(
        desk_editor_client.get(reverse("admin:index")).content.decode(), "Scheduled"
    )
    assert panel == (
        "Scheduled (2) Goes out first Goes live at 18:30, 1 June 2027 "
        "Goes out later Goes live at 14:00, 2 June 2027"
    )


def test_home_shows_comments_waiting_with_the_queue(desk_editor):
    moderator = in_group("Moderators")
    article = make_article(title="Discussed story")
    make_comment(
        article, body="Please look at this one.", status=Comment.Status.PENDING
    )
    make_comment(article, body="Fine already.", status=Comment.Status.APPROVED)
    html = client_for(moderator).get(reverse("admin:index")).content.decode()
    panel = _panel(html, "Comments waiting for moderation")
    assert panel.startswith("Comments waiting for moderation (1)")
    assert "Please look at this one." in panel and "Discussed story" in panel
    assert "Fine already." not in panel
    queue = reverse("admin:comments_comment_changelist") + "?queue=decide"
    assert f'<a href="{queue}">Open the queue</a>' in html
    # Moderators get no article lists; editors no comments.
    assert "My drafts" not in html
    editor_html = client_for(desk_editor).get(reverse("admin:index")).content.decode()
    assert "Comments waiting for moderation" not in editor_html


def test_home_lists_are_short_and_link_to_the_rest(writer, writer_client):
    for n in range(7):
        _draft(title=f"Draft {n}", created_by=writer)
    panel = _panel(
        writer_client.get(reverse("admin:index")).content.decode(), "My drafts"
    )
    assert panel.startswith("My drafts (7)")
    assert panel.count("Last changed") == 5
    assert panel.endswith("All 7")


def _waiting_changes(article: Article, hours_ago: int) -> PendingEdit:
    return PendingEdit.objects.create(
        article=article,
        state={},
        base={},
        summary="Changed title",
        saved_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_home_shows_editors_live_articles_with_changes_not_yet_live(
    desk_editor_client, writer, writer_client
):
    _waiting_changes(make_article(title="Edited this morning"), hours_ago=3)
    _waiting_changes(
        make_article(title="Edited yesterday", created_by=writer), hours_ago=26
    )
    make_article(title="Live and untouched")
    html = desk_editor_client.get(reverse("admin:index")).content.decode()
    panel = _panel(html, "Changes not yet live")
    # The longest waiting first.
    assert panel == (
        "Changes not yet live (2) Edited yesterday Changes saved 1 day, 2 hours ago "
        "Edited this morning Changes saved 3 hours ago"
    )
    queue = reverse("admin:articles_article_changelist") + "?queue=pending"
    assert f'<a href="{queue}">Changes not yet live</a>' in html
    listed = desk_editor_client.get(queue).content.decode()
    assert "Edited yesterday" in listed and "Edited this morning" in listed
    assert "Live and untouched" not in listed
    # Writers neither publish nor discard them.
    assert (
        "Changes not yet live"
        not in writer_client.get(reverse("admin:index")).content.decode()
    )


def test_home_offers_writing_and_importing_to_those_who_may(writer_client):
    html = writer_client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin:articles_article_add")}"' in html
    assert "Write an article" in html
    assert f'href="{reverse("admin:articles_article_import")}"' in html
    moderator = client_for(in_group("Moderators"))
    html = moderator.get(reverse("admin:index")).content.decode()
    assert "Write an article" not in html and "Import article" not in html


def test_home_query_count(admin_client, django_assert_num_queries):
    """A superuser sees every list; three rows in each, so an N+1 would show."""
    for n in range(3):
        _draft(title=f"Draft {n}")
        make_article(title=f"Review {n}", status="review", published_at=None)
        make_article(
            title=f"Later {n}", published_at=timezone.now() + timedelta(days=1)
        )
        make_comment(make_article(), status=Comment.Status.PENDING)
        _waiting_changes(make_article(title=f"Edited {n}"), hours_ago=n)
    # The superuser's drafts are those they started.
    Article.objects.filter(status="draft").update(created_by=User.objects.get())
    # 1 session, 2 the user, 3 article counts, 4-7 drafts / review / scheduled /
    # changes not yet live, 8 comment count, 9 waiting comments with their
    # articles, 10 recent actions.
    with django_assert_num_queries(10):
        response = admin_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert "My drafts (3)" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Comments waiting for moderation</a> (3)" in html
