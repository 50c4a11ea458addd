from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.posting import as_returning_commenter, post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_first_time_guest_is_held_and_told_so(anon):
    article = make_article()
    response = post_comment(anon, article, body="My first words here.")
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.rule == Comment.Rule.FIRST_TIME
    assert comment.ip_address == "203.0.113.5"
    page = anon.get(response["Location"])
    assert page.status_code == 200
    assert "held for moderation" in page.content.decode()
    assert "My first words here." in page.content.decode()
    assert (
        "My first words here."
        not in anon.get(article.get_absolute_url()).content.decode()
    )


def test_trusted_guest_is_published_and_shown_at_once(
    anon, django_capture_on_commit_callbacks
):
    article = make_article()
    make_comment(article, author_email="ada@example.com")
    as_returning_commenter(anon)
    anon.get(article.get_absolute_url())  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(anon, article, body="Second thoughts, published.")
    assert response.status_code == 303
    assert "is published" in anon.get(response["Location"]).content.decode()
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Second thoughts, published." in html
    assert "2 comments" in html


def test_json_post_answers_with_the_rendered_comment(anon):
    article = make_article()
    make_comment(article, author_email="ada@example.com")
    as_returning_commenter(anon)
    response = post_comment(anon, article, json=True, body="Posted by script.")
    assert response.status_code == 201
    data = response.json()
    assert data["ok"] and data["status"] == "published"
    assert "Posted by script." in data["html"]
    assert f'id="comment-{data["id"]}"' in data["html"]
    assert data["shown_at"]


def test_json_post_held_says_so_and_sends_no_html(anon):
    response = post_comment(anon, make_article(), json=True)
    data = response.json()
    assert data["status"] == "held" and data["html"] == ""
    assert "moderator" in data["message"]


def test_errors_keep_the_readers_text(anon):
    article = make_article()
    response = post_comment(anon, article, body="Keep me please.", author_name="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep me please." in html
    assert "Please give the name" in html
    assert 'aria-invalid="true"' in html
    assert not Comment.objects.exists()


def test_logged_in_reader_posts_under_their_account(client):
    user = User.objects.create_user(
        "reader",
        email="reader@example.com",
        password="x",
        first_name="Rita",
        last_name="Reader",
    )
    client.force_login(user)
    article = make_article()
    response = post_comment(
        client, article, author_name="", author_email="", body="As me."
    )
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.user == user
    assert comment.author_name == "Rita Reader"
    assert comment.author_email == "reader@example.com"


def test_session_endpoint_names_the_logged_in_reader(client):
    anonymous = client.get(reverse("comments:session")).json()
    assert anonymous["user"] is None and anonymous["shown_at"]
    client.force_login(User.objects.create_user("sam", password="x"))
    assert client.get(reverse("comments:session")).json()["user"] == "sam"


def test_reply_is_shown_under_its_comment(anon):
    article = make_article()
    parent = make_comment(article, author_email="ada@example.com", body="The first.")
    as_returning_commenter(anon)
    response = post_comment(anon, article, body="An answer.", parent=str(parent.pk))
    assert response.status_code == 303
    reply = Comment.objects.get(body="An answer.")
    assert reply.parent == parent and reply.status == Comment.Status.APPROVED
    html = anon.get(article.get_absolute_url()).content.decode()
    thread = html[html.index(f'id="comment-{parent.pk}"') :]
    assert f'data-replies-to="{parent.pk}"' in thread
    assert thread.index("An answer.") > thread.index("The first.")


def test_reply_to_a_reply_joins_the_same_thread(anon):
    article = make_article()
    top = make_comment(article, author_email="ada@example.com")
    first_reply = make_comment(article, parent=top)
    post_comment(anon, article, body="Deeper.", parent=str(first_reply.pk))
    assert Comment.objects.get(body="Deeper.").parent == top


def test_double_submit_stores_one_comment(anon):
    article = make_article()
    first = post_comment(anon, article, body="Only once.")
    second = post_comment(anon, article, body="Only  once.")
    assert first.status_code == second.status_code == 303
    assert Comment.objects.count() == 1


def test_the_same_words_after_ten_minutes_are_a_new_comment(anon):
    article = make_article()
    post_comment(anon, article, body="Still true.")
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    post_comment(anon, article, body="Still true.")
    assert Comment.objects.count() == 2
    post_comment(anon, article, body="Still true.")  # the second click, now
    assert Comment.objects.count() == 2


def test_reply_form_page_works_without_javascript(anon):
    article = make_article()
    parent = make_comment(article, author_name="Bea")
    response = anon.get(reverse("comments:reply", args=[parent.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reply to Bea" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Set-Cookie" not in response.headers


def test_comment_text_is_escaped_with_paragraphs_and_safe_links(anon):
    article = make_article()
    make_comment(
        article,
        body="<b>bold?</b> see https://example.org/a?b=1&c=2.\n\nSecond paragraph.",
    )
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener" '
        'class="comment-link">https://example.org/a?b=1&amp;c=2</a>.' in html
    )
    assert "<p>Second paragraph.</p>" in html


def test_results_page_needs_a_valid_token(anon):
    assert anon.get(reverse("comments:posted", args=["forged"])).status_code == 404
