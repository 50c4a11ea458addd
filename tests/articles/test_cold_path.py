"""Pages assembled from stored fragments (articles/fragments.py) when the page cache misses."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleTable, Correction, FaqItem, Section
from newsroom.caching.pages import page_key
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_faq_item,
    make_section,
    make_table,
)

pytestmark = pytest.mark.django_db

# The comment form's signed time stamp is made for each render.
STAMP = re.compile(r'name="shown_at" value="[^"]*"')


@pytest.fixture
def story() -> Article:
    """A public article with every kind of part, a comment, and stories around it."""
    category = make_category(name="Harbour desk")
    author = make_author(name="Mira Olsen")
    article = make_article(
        title="Harbour plan approved",
        category=category,
        authors=[author, make_author(name="Tom Reyes")],
        tags=["Harbour", "Council"],
        sections=0,
    )
    lead = make_section(article, heading="The vote", body="Councillors agreed.")
    make_section(article, heading="What changes", body="Ferries move west.")
    make_table(article, section=lead, rows=[["Party", "Votes"], ["Green", "12"]])
    make_faq_item(article, question="When does work start?", answer="In spring.")
    make_comment(article, body="About time.")
    for n in range(2):
        make_article(title=f"Earlier harbour story {n}", category=category)
    make_article(title="Related council story", tags=["Council"])
    article.refresh_derived_text()
    return article


def page(client, url: str) -> str:
    """The page rendered afresh: its stored copy, if any, is forgotten first."""
    cache.delete(page_key(RequestFactory().get(url)))
    response = client.get(url)
    assert response.status_code == 200
    # Rendered, not a stored page (no copy at all with the page cache off).
    assert response.get("X-Cache", "miss") == "miss"
    return STAMP.sub('name="shown_at" value=""', response.content.decode())


def test_article_page_is_the_same_from_stored_fragments(
    anon, story, written, django_assert_num_queries
):
    made = page(anon, story.get_absolute_url())
    assert any(key.startswith("fragment:article:") for key in written)
    assert any(key.startswith("fragment:discussion:") for key in written)
    # The article with its category: its text, related stories, neighbours
    # and comment threads (with their count) are stored.
    with django_assert_num_queries(1):
        found = page(anon, story.get_absolute_url())
    assert found == made
    for shown in ("Ferries move west.", "In spring.", "Mira Olsen", "Green"):
        assert shown in found
    assert "About time." in found and "1 comment" in found
    assert "Related council story" in found and "Earlier harbour story 1" in found


def test_article_page_rendered_afresh_stays_within_its_queries(
    anon, story, django_assert_max_num_queries
):
    anon.get("/")  # the menu and the publication timetable are cached
    # The article with its category; its bylines, tags, sections, tables,
    # FAQ, figures and corrections; previous/next; related; the comment
    # threads and their replies.
    with django_assert_max_num_queries(12):
        page(anon, story.get_absolute_url())


def _rename_author(article: Article) -> tuple[str, str]:
    author = article.bylines.first().author
    author.name = "Mira Lund"
    author.save()
    return "Mira Olsen", "Mira Lund"


def _rename_category(article: Article) -> tuple[str, str]:
    article.category.name = "Waterfront desk"
    article.category.save()
    return "Harbour desk", "Waterfront desk"


def _edit_section(article: Article) -> tuple[str, str]:
    # Not the first section: the excerpt, and so the article's row, stay the same.
    section = Section.objects.get(article=article, heading="What changes")
    section.body = "Ferries stay east."
    section.save()
    return "Ferries move west.", "Ferries stay east."


def _edit_table(article: Article) -> tuple[str, str]:
    table = ArticleTable.objects.get(article=article)
    table.rows = [["Party", "Votes"], ["Green", "14"]]
    table.save()
    return "<td>12</td>", "<td>14</td>"


def _edit_faq(article: Article) -> tuple[str, str]:
    item = FaqItem.objects.get(article=article)
    item.answer = "In the autumn."
    item.save()
    return "In spring.", "In the autumn."


def _add_correction(article: Article) -> tuple[str, str]:
    Correction.objects.create(article=article, text="The vote was on Tuesday.")
    return "The vote was on Tuesday.", "The vote was on Tuesday."


def _add_tag(article: Article) -> tuple[str, str]:
    article.tags.add("Ferries")
    return 'rel="tag">Ferries<', 'rel="tag">Ferries<'


@pytest.mark.parametrize(
    "edit",
    [
        _edit_section,
        _edit_table,
        _edit_faq,
        _rename_author,
        _rename_category,
        _add_tag,
        _add_correction,
    ],
)
def test_an_edit_shows_on_the_next_render(
    anon, story, edit, django_capture_on_commit_callbacks
):
    page(anon, story.get_absolute_url())  # stores the fragments
    with django_capture_on_commit_callbacks(execute=True):
        before, after = edit(Article.objects.get(pk=story.pk))

    html = page(anon, story.get_absolute_url())

    assert after in html
    if before != after:
        assert before not in html


def test_stored_text_is_used_until_a_change_is_committed(anon, story):
    """The control for the test above: a change no signal saw is not shown."""
    page(anon, story.get_absolute_url())
    Section.objects.filter(article=story, heading="What changes").update(
        body_html="<p>Ferries stay east.</p>"
    )
    assert "Ferries move west." in page(anon, story.get_absolute_url())


def test_a_change_to_the_article_row_shows_without_a_renewal(anon, story):
    page(anon, story.get_absolute_url())
    Article.objects.filter(pk=story.pk).update(standfirst="A new standfirst.")
    html = page(anon, story.get_absolute_url())
    assert '<p class="standfirst">A new standfirst.</p>' in html


def test_previews_neither_read_nor_write_stored_fragments(
    anon, editor_client, story, written
):
    page(anon, story.get_absolute_url())
    written.clear()
    # Text readers must not see yet, changed without any signal.
    Section.objects.filter(article=story, heading="What changes").update(
        body_html="<p>Embargoed figures.</p>"
    )
    draft = make_article(
        title="Draft story", category=story.category, status=Article.Status.DRAFT
    )

    for article in (story, draft):
        response = editor_client.get(reverse("articles:preview", args=[article.pk]))
        assert response.status_code == 200
    preview = editor_client.get(reverse("articles:preview", args=[story.pk]))

    assert "Embargoed figures." in preview.content.decode()
    assert written == []
    assert "Embargoed figures." not in page(anon, story.get_absolute_url())


def test_list_pages_are_the_same_from_stored_cards(
    anon, story, written, django_assert_max_num_queries
):
    # Per page: its category, tag or author (not the front page), its articles
    # by id (the ids and the count are kept), the comment counts.
    pages = [
        ("/", 2),
        (story.category.get_absolute_url(), 3),
        (reverse("articles:tag", args=["council"]), 3),
        (story.bylines.first().author.get_absolute_url(), 3),
    ]
    for url, queries in pages:
        made = page(anon, url)
        with django_assert_max_num_queries(queries):
            assert page(anon, url) == made
    assert any(key.startswith("fragment:card:") for key in written)
    assert "1 comment" in page(anon, story.category.get_absolute_url())


def test_a_card_in_a_new_style_loads_the_bylines_once(
    anon, story, django_assert_max_num_queries
):
    page(anon, "/")  # the cards as the front page shows them
    # The category, the count, the articles, their comment counts, and the
    # bylines of every card stored only in the front page's styles.
    with django_assert_max_num_queries(5):
        html = page(anon, story.category.get_absolute_url())
    assert "Mira Olsen" in html


def test_a_renamed_article_shows_on_the_lists(
    anon, story, django_capture_on_commit_callbacks
):
    page(anon, story.category.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Harbour plan approved at last"
        story.save()
    assert "Harbour plan approved at last" in page(
        anon, story.category.get_absolute_url()
    )


def test_a_new_comment_shows_on_a_stored_card(
    anon, story, django_capture_on_commit_callbacks
):
    page(anon, story.category.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(story, body="Agreed.")
    assert "2 comments" in page(anon, story.category.get_absolute_url())


def test_the_kept_lists_follow_publication(
    anon, story, django_capture_on_commit_callbacks
):
    lists = ["/", story.category.get_absolute_url()]
    for url in lists:
        page(anon, url)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Breaking harbour news", category=story.category)
        story.status = Article.Status.DRAFT
        story.save()
    for url in lists:
        html = page(anon, url)
        assert "Breaking harbour news" in html
        assert "Harbour plan approved" not in html


@pytest.mark.parametrize("page_cache_seconds", [600, 0])
@pytest.mark.parametrize("after", [timedelta(minutes=2), timedelta(hours=5)])
def test_a_scheduled_article_joins_the_kept_lists_when_it_goes_live(
    anon, story, after, page_cache_seconds, settings, django_capture_on_commit_callbacks
):
    """Seen by the first request after it goes live, however late that comes.

    With the page cache off too: the lists and the stories around an article
    are kept all the same.
    """
    settings.NEWSROOM_PAGE_CACHE_SECONDS = page_cache_seconds
    # A cache in this process, whose entries expire by the test's clock.
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache_backends.LocMemCache",
            "LOCATION": "scheduled-lists",
        }
    }
    cache.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        make_article(
            title="Embargoed harbour report",
            category=story.category,
            published_at=now + timedelta(minutes=1),
        )
    newest = (
        Article.objects.published()
        .filter(category=story.category)
        .order_by("-published_at", "-id")
        .first()
    )
    shown = [story.category.get_absolute_url(), newest.get_absolute_url()]
    with time_machine.travel(now, tick=False) as clock:
        for url in shown:
            assert "Embargoed" not in page(anon, url)
        clock.shift(after)
        for url in shown:  # on the list, and as the next story
            assert "Embargoed" in page(anon, url)


def test_the_stored_menu_marks_the_page_it_is_on(anon, story):
    current = f'href="{story.category.get_absolute_url()}" aria-current="page"'
    for _ in range(2):  # made, then found
        assert current in page(anon, story.get_absolute_url())
        assert current in page(anon, story.category.get_absolute_url())
        assert "aria-current" not in page(anon, "/").split("</header>")[0]
