"""A post costs the same at a million comments: every lookup it makes is an index lookup.

At a million comments a lookup the indexes cannot serve reads the whole
table: a returning commenter's "has this address an approved comment?" took
a third of a second on PostgreSQL while it compared UPPER(author_email).
The planner is told to avoid whole-table reads where it can, so that a tiny
test table shows the plan a large one would get.
"""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, Subscriber
from comments.querysets import same_email
from tests.comments.posting import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@contextmanager
def _large_table_plans():
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _plan(queryset) -> str:
    with _large_table_plans():
        return queryset.explain()


def test_a_returning_commenters_address_is_found_by_index_in_any_case():
    article = make_article()
    make_comment(article, author_email="Reader@Example.org")
    found = Comment.objects.visible().by_email("  reader@EXAMPLE.org ")
    assert found.count() == 1
    assert "comments_email_status_idx" in _plan(found)


def test_a_subscribers_address_is_found_by_index_in_any_case():
    Subscriber.objects.create(email="Reader@Example.org")
    found = Subscriber.objects.filter(same_email("email", "reader@example.ORG"))
    assert found.count() == 1
    assert "comments_subscriber_email_idx" in _plan(found)


def test_the_same_words_posted_lately_are_found_by_index():
    article = make_article()
    comment = make_comment(article, body="The same words, again.")
    found = Comment.objects.filter(body_digest=comment.body_digest)
    assert found.count() == 1
    assert "comments_body_digest_idx" in _plan(found)


def test_an_articles_comments_are_found_by_the_index_that_begins_with_it():
    article = make_article()
    make_comment(article)
    found = Comment.objects.filter(article=article)
    assert "comments_article_status_idx" in _plan(found)


def test_a_post_reads_no_article_text(anon):
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        assert post_comment(anon, article, body="Short and sweet.").status_code == 303
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "articles_article" in read
    assert "body_text" not in read and "search_vector" not in read
