"""The site benchmark's archive, at a tiny size: what `make bench ARGS="site …"` measures."""

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleTable, Author, Category, FaqItem, Section
from articles.search import indexed_article_ids
from bench.site_derived import check_derived
from bench.site_fill import fill
from bench.site_pages import PAGE_KINDS, choose
from bench.site_render import render_times
from comments.models import Comment, body_digest

pytestmark = pytest.mark.django_db

ARTICLES, COMMENTS = 50, 200


@pytest.fixture
def report():
    return fill(ARTICLES, COMMENTS, stream=None)


def test_fill_writes_every_planned_row(report):
    assert Article.objects.count() == ARTICLES == report.articles
    assert Comment.objects.count() == COMMENTS == report.comments
    assert Category.objects.count() == report.categories == 12
    assert Author.objects.count() == report.authors > 0
    assert Section.objects.count() == report.sections
    assert FaqItem.objects.count() == report.faq_items
    assert ArticleTable.objects.count() == report.tables == ARTICLES


def test_fill_keeps_drafts_review_and_scheduled_articles_out_of_published(report):
    public = Article.objects.published()
    assert public.count() == report.public == ARTICLES - 3
    assert (report.drafts, report.in_review, report.scheduled) == (1, 1, 1)
    assert Article.objects.filter(status="draft", published_at=None).count() == 1
    scheduled = Article.objects.filter(
        status="published", published_at__gt=timezone.now()
    )
    assert scheduled.count() == 1
    assert not public.filter(pk__in=scheduled).exists()


def test_every_article_has_sections_a_table_faq_items_tags_and_a_byline(report):
    counted = Article.objects.annotate(
        sections_n=Count("sections", distinct=True),
        tables_n=Count("tables", distinct=True),
        faq_n=Count("faq_items", distinct=True),
        tags_n=Count("tagged_items", distinct=True),
        bylines_n=Count("bylines", distinct=True),
    )
    assert not counted.filter(
        Q(sections_n__lt=4)
        | Q(tables_n=0)
        | Q(faq_n__lt=3)
        | Q(tags_n__lt=1)
        | Q(bylines_n=0)
    ).exists()
    assert not Article.objects.filter(Q(body_text="") | Q(excerpt="")).exists()


def test_derived_html_text_and_index_match_what_saving_makes(report):
    assert check_derived(sample=ARTICLES) == []
    assert indexed_article_ids() == set(Article.objects.values_list("pk", flat=True))
    for comment in Comment.objects.all():
        assert comment.body_digest == body_digest(comment.body)


def test_comment_threads_are_one_level_deep_on_public_articles(report):
    replies = Comment.objects.exclude(parent=None).select_related("parent")
    assert replies.count() == report.replies > 0
    for reply in replies:
        assert reply.parent.parent_id is None
        assert reply.parent.article_id == reply.article_id
        assert reply.parent.status == "approved"
        assert reply.created_at >= reply.parent.created_at
    public = Article.objects.published()
    assert not Comment.objects.exclude(article__in=public).exists()
    assert not Comment.objects.filter(
        created_at__lt=F("article__published_at")
    ).exists()
    statuses = report.comment_status
    assert statuses["approved"] > 0.8 * COMMENTS
    assert statuses["pending"] > 0


def test_the_same_seed_gives_the_same_archive(report):
    def snapshot():
        return (
            list(Article.objects.order_by("pk").values_list("slug", "body_text")),
            list(Comment.objects.order_by("pk").values_list("body", "status")),
        )

    first = snapshot()
    Comment.objects.all().delete()
    Article.objects.all().delete()
    for model in (Category, Author, Tag):
        model.objects.all().delete()
    fill(ARTICLES, COMMENTS, stream=None)
    assert snapshot() == first


def test_render_times_cover_every_page_kind_with_the_page_cache_off(report):
    addresses = choose(3)
    times = render_times(addresses, "testserver", rounds=2)
    assert set(times) == set(PAGE_KINDS)
    for kind, row in times.items():
        assert row["statuses"] == [200], kind
        assert row["requests"] == 3 * len(addresses.pages[kind])
        assert 0 < row["stored_ms"] <= row["stored_p95_ms"]
    # Assembled from stored fragments: the article reads its own row only.
    assert times["article"]["queries"] == 1
