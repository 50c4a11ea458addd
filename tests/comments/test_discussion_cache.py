"""Comments on cached pages: shared, cookie-free, bounded, and exactly invalidated."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from articles.models import Article
from comments.cards import article_address
from comments.models import Comment
from comments.moderation import decide
from tests.comments.posting import post_comment
from tests.factories import make_article, make_comment, make_staff_user

pytestmark = pytest.mark.django_db


def _assert_shared(response) -> None:
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]


def test_article_page_is_cookie_free_before_and_after_posting(
    anon, django_capture_on_commit_callbacks
):
    article = make_article()
    _assert_shared(anon.get(article.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        posted = post_comment(anon, article)
    assert posted.status_code == 303
    _assert_shared(anon.get(article.get_absolute_url()))
    # The result page is private to the poster but sets no cookie either.
    result = anon.get(posted["Location"])
    assert "no-store" in result["Cache-Control"] or "private" in result["Cache-Control"]
    assert not result.cookies


@pytest.mark.parametrize("count", [0, 500])
def test_article_page_query_count_does_not_grow_with_comments(
    anon, django_assert_num_queries, count
):
    article = make_article()
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"R{n}",
            body=f"Comment {n}",
            body_digest=str(n),
            status=Comment.Status.APPROVED,
        )
        for n in range(count // 2)
    )
    parents = list(Comment.objects.filter(article=article)[:25])
    Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=parents[n % len(parents)],
            author_name=f"Re{n}",
            body=f"Reply {n}",
            body_digest=f"r{n}",
            status=Comment.Status.APPROVED,
        )
        for n in range(count - count // 2)
        if parents
    )
    # article + category, bylines, tags, sections, tables, FAQ, figures,
    # corrections, related, previous/next, navigation, next scheduled time,
    # comment threads with the total, replies of the threads shown = 14, with
    # 0 or 500 comments alike (the article's own text is stored once rendered:
    # tests/articles/test_cold_path.py).
    with django_assert_num_queries(14):
        response = anon.get(article.get_absolute_url())
    html = response.content.decode()
    if count:
        assert f"{count} comments" in html
        assert "Older comments" in html
        assert html.count('class="comment"') <= 50 + 50 * 10
    else:
        assert "No comments yet" in html


def test_approving_refreshes_only_that_articles_pages(
    anon, django_capture_on_commit_callbacks
):
    article = make_article()
    other = make_article()
    held = make_comment(article, status=Comment.Status.PENDING, body="Waiting words.")
    urls = [
        article.get_absolute_url(),
        reverse("comments:feed", args=[article.pk]),
        article.category.get_absolute_url(),
    ]
    for url in [*urls, other.get_absolute_url()]:
        assert anon.get(url)["X-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        decide(held, Comment.Status.APPROVED, by=make_staff_user())
    page = anon.get(urls[0])
    assert page["X-Cache"] == "miss" and "Waiting words." in page.content.decode()
    assert "1 comment" in page.content.decode()
    feed = anon.get(urls[1])
    assert feed["X-Cache"] == "miss" and b"Waiting words." in feed.content
    listing = anon.get(urls[2])
    assert listing["X-Cache"] == "miss" and "1 comment" in listing.content.decode()
    assert anon.get(other.get_absolute_url())["X-Cache"] == "hit"


def test_removing_a_comment_takes_it_off_the_page(
    anon, django_capture_on_commit_callbacks
):
    article = make_article()
    comment = make_comment(article, body="Soon gone.")
    assert "Soon gone." in anon.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        decide(comment, Comment.Status.REJECTED, by=None, reason="Off topic")
    assert "Soon gone." not in anon.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comment.delete()
    assert anon.get(article.get_absolute_url()).status_code == 200


def test_editing_a_comment_shows_the_new_text(anon, django_capture_on_commit_callbacks):
    article = make_article()
    comment = make_comment(article, body="Speling.")
    anon.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        comment.body = "Spelling."
        comment.save()
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Spelling." in html and "Speling." not in html


def test_cards_show_comment_counts(anon):
    article = make_article()
    make_comment(article)
    make_comment(article)
    make_comment(article, status=Comment.Status.PENDING)
    html = anon.get(article.category.get_absolute_url()).content.decode()
    assert f'href="{article.get_absolute_url()}#comments">2 comments</a>' in html


@pytest.mark.parametrize("prefix", ["/", "/news/"])
def test_card_addresses_are_the_articles_own(prefix):
    """Cards build their links from one reverse(): the same addresses as each article's."""
    articles = [
        make_article(slug="harbour_plan-2"),
        make_article(slug="x"),
        make_article(slug="c"),
    ]
    articles = list(
        Article.objects.select_related("category").filter(
            pk__in=[a.pk for a in articles]
        )
    )
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        address = article_address()
        assert [address(a) for a in articles] == [
            a.get_absolute_url() for a in articles
        ]
        assert articles[0].get_absolute_url().startswith(prefix)
    finally:
        set_script_prefix(before)


def test_older_threads_have_their_own_page(anon, settings):
    settings.NEWSROOM_COMMENTS_PER_PAGE = 2
    article = make_article()
    for n in range(5):
        make_comment(article, body=f"Thread {n}")
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Thread 4" in html and "Thread 3" in html and "Thread 2" not in html
    more = anon.get(reverse("comments:list", args=[article.pk]), {"page": 2})
    assert more.status_code == 200
    assert "Thread 2" in more.content.decode() and "Thread 1" in more.content.decode()
    assert (
        anon.get(reverse("comments:list", args=[article.pk]), {"page": 9}).status_code
        == 404
    )


def test_long_threads_link_to_all_replies(anon, settings):
    settings.NEWSROOM_COMMENT_REPLIES_SHOWN = 2
    article = make_article()
    top = make_comment(article, author_name="Olu")
    for n in range(4):
        make_comment(article, parent=top, body=f"Reply {n}")
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Reply 1" in html and "Reply 2" not in html
    assert "All 4 replies to Olu" in html
    thread = anon.get(reverse("comments:thread", args=[top.pk])).content.decode()
    assert all(f"Reply {n}" in thread for n in range(4))


def test_replies_to_hidden_comments_are_not_shown_or_counted(anon):
    article = make_article()
    top = make_comment(article, status=Comment.Status.REJECTED)
    make_comment(article, parent=top, body="Orphan reply.")
    html = anon.get(article.get_absolute_url()).content.decode()
    assert "Orphan reply." not in html and "No comments yet" in html


def test_a_page_without_a_prompt_still_has_a_proper_comments_area(anon):
    article = make_article(comment_prompt="")
    html = anon.get(article.get_absolute_url()).content.decode()
    assert 'id="comments-heading">Comments <span class="comment-total"' in html
    assert "Add a comment" in html and "No comments yet" in html


def test_a_comments_permalink_shows_it_even_beyond_the_first_page(anon, settings):
    settings.NEWSROOM_COMMENTS_PER_PAGE = 1
    settings.NEWSROOM_COMMENT_REPLIES_SHOWN = 1
    article = make_article()
    old = make_comment(article, body="An old thread.")
    make_comment(article, parent=old, body="First reply.")
    late = make_comment(article, parent=old, body="A late reply.")
    make_comment(article, body="The newest thread.")
    assert "A late reply." not in anon.get(article.get_absolute_url()).content.decode()
    address, anchor = late.get_absolute_url().split("#")
    html = anon.get(address).content.decode()
    assert f'id="{anchor}"' in html and "A late reply." in html


def test_the_feed_leaves_out_replies_to_hidden_comments(anon):
    article = make_article()
    hidden = make_comment(article, status=Comment.Status.REJECTED)
    make_comment(article, parent=hidden, body="Under a removed comment.")
    feed = anon.get(reverse("comments:feed", args=[article.pk]))
    assert b"Under a removed comment." not in feed.content
