"""The article page's discussion as a stored fragment: read from the database only after a change."""

from __future__ import annotations

import pickle
import re
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import fragments
from articles.fragment_keys import release_sources
from articles.models import Article
from comments import text
from comments.models import Comment, Report
from comments.moderation import decide, report
from newsroom.caching.pages import page_key
from tests.comments.posting import post_comment
from tests.factories import make_article, make_category, make_comment

pytestmark = pytest.mark.django_db

STAMP = re.compile(r'name="shown_at" value="([^"]*)"')


@pytest.fixture(params=["page cache off", "page cache on"])
def page_cache(request, settings) -> str:
    """Both ways a page is served: rendered every time, or from its stored copy."""
    if request.param == "page cache off":
        settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    return request.param


@pytest.fixture
def stored_text(monkeypatch) -> list[str]:
    """Everything written to the stored fragments during the test, as text."""
    written: list[str] = []
    set_many = fragments.cache.set_many

    def record(data, *args, **kwargs):
        for key, entry in data.items():
            if key.startswith("fragment:"):
                if isinstance(entry, bytes):
                    entry = pickle.loads(zlib.decompress(entry))
                written.append(str(entry))
        return set_many(data, *args, **kwargs)

    monkeypatch.setattr(fragments.cache, "set_many", record)
    return written


@pytest.fixture
def story() -> Article:
    """A public article with threads of approved comments, one of them with a reply."""
    article = make_article(title="Harbour plan approved")
    first = make_comment(article, body="About time.")
    make_comment(article, body="Ferries first, please.")
    make_comment(article, parent=first, body="Agreed, at last.")
    return article


def html(client, article: Article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def warm(client, article: Article) -> str:
    """The page rendered twice: its discussion stored, then read back."""
    made = html(client, article)
    found = html(client, article)
    assert STAMP.sub("", found) == STAMP.sub("", made)
    return found


def test_warm_article_page_reads_no_comments(
    anon, story, settings, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    for n in range(12):
        thread = make_comment(story, body=f"Thread {n}.")
        make_comment(story, parent=thread, body=f"Reply {n}.")
    html(anon, story)

    # The article with its category; the stories around it are kept. The
    # threads, their replies and the count come from the stored discussion.
    with django_assert_num_queries(1):
        page = html(anon, story)

    assert "27 comments" in page
    assert "Thread 11." in page and "Reply 11." in page and "About time." in page


def test_stored_discussion_is_the_same_as_the_one_made(anon, story, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    page = warm(anon, story)
    assert "About time." in page and "Agreed, at last." in page
    assert '<a class="comment-count" href="#comments">3 comments</a>' in page
    assert 'data-comment-total="3"' in page


def _approve(article: Article) -> tuple[str | None, str]:
    held = Comment.objects.get(body="Waiting words.")
    decide(held, Comment.Status.APPROVED, by=None)
    return None, "Waiting words."


def _reject(article: Article) -> tuple[str, None]:
    comment = Comment.objects.get(body="Ferries first, please.")
    decide(comment, Comment.Status.REJECTED, by=None, reason="Off topic")
    return "Ferries first, please.", None


def _delete(article: Article) -> tuple[str, None]:
    Comment.objects.get(body="Ferries first, please.").delete()
    return "Ferries first, please.", None


def _edit(article: Article) -> tuple[str, str]:
    comment = Comment.objects.get(body="Ferries first, please.")
    comment.body = "Trams first, please."
    comment.save()
    return "Ferries first, please.", "Trams first, please."


def _reply(article: Article) -> tuple[None, str]:
    first = Comment.objects.get(body="About time.")
    make_comment(article, parent=first, body="Took them long enough.")
    return None, "Took them long enough."


def _report_until_hidden(article: Article) -> tuple[str, None]:
    comment = Comment.objects.get(body="Ferries first, please.")
    for reader in ("one", "two", "three"):
        report(comment, reporter=reader, reason=Report.Reason.ABUSE)
    return "Ferries first, please.", None


def _close(article: Article) -> tuple[str, str]:
    article.is_commenting_open = False
    article.save()
    return "data-comment-form", "Comments are closed for this article."


def _prompt(article: Article) -> tuple[None, str]:
    article.comment_prompt = "Share your thoughts: should ferries come first?"
    article.save()
    return None, "Share your thoughts: should ferries come first?"


@pytest.mark.parametrize(
    "change",
    [_approve, _reject, _delete, _edit, _reply, _report_until_hidden, _close, _prompt],
)
def test_a_change_to_the_discussion_shows_on_the_next_render(
    anon, story, page_cache, change, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_COMMENT_REPORTS_TO_HIDE = 3
    make_comment(story, status=Comment.Status.PENDING, body="Waiting words.")
    assert "Waiting words." not in warm(anon, story)

    with django_capture_on_commit_callbacks(execute=True):
        before, after = change(Article.objects.get(pk=story.pk))

    page = html(anon, story)
    if before is not None:
        assert before not in page
    if after is not None:
        assert after in page
    shown = Comment.objects.filter(article=story).shown().count()
    assert f'data-comment-total="{shown}"' in page
    assert f"{shown} comment" in page


def test_a_posted_comment_shows_at_once_when_the_site_publishes_at_once(
    anon, story, page_cache, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_COMMENT_MODERATION = "post"
    warm(anon, story)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_comment(anon, story, body="Posted words.").status_code == 303
    page = html(anon, story)
    assert "Posted words." in page and "4 comments" in page


def test_a_comment_waiting_for_moderation_is_never_stored(
    anon, story, settings, stored_text, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    settings.NEWSROOM_COMMENT_MODERATION = "pre"
    warm(anon, story)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_comment(anon, story, body="Held words.").status_code == 303
    assert Comment.objects.get(body="Held words.").status == Comment.Status.PENDING

    page = warm(anon, story)

    assert "Held words." not in page and "3 comments" in page
    assert any("About time." in text for text in stored_text)
    assert not any("Held words." in text for text in stored_text)


def test_one_articles_discussion_never_shows_under_another(anon, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    category = make_category()
    first = make_article(category=category, title="Same title")
    second = make_article(category=category, title="Same title")
    make_comment(first, body="Only on the first.")
    make_comment(second, body="Only on the second.")
    for _ in range(2):
        one, two = html(anon, first), html(anon, second)
        assert "Only on the first." in one and "Only on the second." not in one
        assert "Only on the second." in two and "Only on the first." not in two


def test_the_comment_form_is_not_stored(anon, story, settings, stored_text):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        made = html(anon, story)
        clock.shift(timedelta(minutes=5))
        found = html(anon, story)
    # A fresh signed stamp on every render: the form is rendered every time.
    assert STAMP.search(made)[1] != STAMP.search(found)[1]
    assert "data-comment-form" in found
    assert any("About time." in text for text in stored_text)
    assert not any("data-comment-form" in text for text in stored_text)
    assert not any("shown_at" in text for text in stored_text)


def test_the_stamp_a_page_hands_out_is_taken_back(anon, story, settings):
    """The form put into the page, filled in and sent a minute later, is accepted."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        html(anon, story)  # the blank form is made once, then its stamp put in
        clock.shift(timedelta(minutes=3))
        page = html(anon, story)
        stamp = STAMP.search(page)[1]
        assert page.count('name="shown_at"') == 1
        clock.shift(timedelta(minutes=1))
        response = post_comment(anon, story, shown_at=stamp, body="Sent in time.")
    assert response.status_code == 303
    assert Comment.objects.filter(body="Sent in time.").exists()


def test_a_discussion_that_ends_on_its_own_shows_closed(anon, settings):
    """Closed by the clock, with no save: nothing renews a cache tag."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    now = timezone.now()
    category = make_category(comments_close_after_days=1)
    quiet = make_article(category=category, published_at=now - timedelta(hours=23))
    busy = make_article(category=category, published_at=now - timedelta(hours=23))
    make_comment(busy, body="Early words.")
    with time_machine.travel(now, tick=False) as clock:
        assert "Be the first to share your view." in warm(anon, quiet)
        assert "data-comment-form" in warm(anon, busy)
        clock.shift(timedelta(hours=2))
        empty, full = html(anon, quiet), html(anon, busy)
    assert "Be the first to share your view." not in empty
    assert "No comments yet." in empty
    assert "this discussion has ended" in full and "data-comment-form" not in full
    assert "Early words." in full


def test_previews_show_the_discussion_without_storing_it(
    anon, editor_client, story, stored_text
):
    response = editor_client.get(reverse("articles:preview", args=[story.pk]))
    assert response.status_code == 200
    assert "About time." in response.content.decode()
    assert stored_text == []


def test_the_page_cache_serves_the_discussion_rendered_afresh(anon, story):
    """With the page cache on, a page rendered from stored fragments is stored whole."""
    warm(anon, story)
    cache.delete(page_key(RequestFactory().get(story.get_absolute_url())))
    response = anon.get(story.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "Agreed, at last." in response.content.decode()
    assert anon.get(story.get_absolute_url())["X-Cache"] == "hit"


def test_a_release_that_changes_how_comments_render_starts_afresh():
    """The stored threads are made by this app's code: it is part of the release's digest."""
    sources = {path.resolve() for path in release_sources()}
    assert Path(text.__file__).resolve() in sources
    assert Path(fragments.__file__).resolve() in sources
    assert not any("site-packages" in str(path) for path in sources)
