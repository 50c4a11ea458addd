from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib import admin
from django.utils import timezone

from articles.admin.workflow import SavedState
from articles.models import Article
from tests.articles.desk.workflow_support import (
    add_url,
    change_url,
    desk_editor,
    desk_editor_client,
    form_data,
    new_article_data,
    published_at_fields,
    writer,
    writer_client,
)
from tests.factories import make_article, make_author, make_category, make_section

pytestmark = pytest.mark.django_db

__all__ = ["desk_editor", "desk_editor_client", "writer", "writer_client"]

# Summer in London: the newsroom's 14:00 is 13:00 UTC.
NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
AT_TWO_IN_LONDON = datetime(2027, 7, 3, 13, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _newsroom_in_london(settings):
    settings.TIME_ZONE = "Europe/London"


@pytest.fixture
def in_june():
    """Frozen before the people log in (named first), so their sessions are fresh."""
    with time_machine.travel(NOW, tick=False):
        yield


def _banner(client, article) -> str:
    html = client.get(change_url(article)).content.decode()
    start = html.index('id="desk-status"')
    return " ".join(html[start : html.index("</div>", start)].split())


def _save(client, article, **changes) -> str:
    data = form_data(client, change_url(article))
    data.update(changes)
    response = client.post(change_url(article), data, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    return response.content.decode()


# -- the banner -------------------------------------------------------------------


def test_banner_says_a_draft_is_a_draft(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    banner = _banner(writer_client, draft)
    assert "Draft" in banner
    assert "Readers cannot see it." in banner
    assert "Set the status to “In review” when it is ready for an editor." in banner


def test_banner_says_an_article_waits_for_review(desk_editor_client):
    article = make_article(status="review", published_at=None)
    assert "In review" in _banner(desk_editor_client, article)
    assert "Waiting for an editor" in _banner(desk_editor_client, article)


def test_banner_gives_a_scheduled_time_in_the_newsrooms_time_zone(
    in_june, desk_editor_client
):
    article = make_article(published_at=AT_TWO_IN_LONDON)
    banner = _banner(desk_editor_client, article)
    assert "Scheduled" in banner
    assert "Goes live by itself at 14:00 on 3 July (Europe/London time)." in banner


def test_banner_says_live_and_links_to_the_article(desk_editor_client):
    article = make_article()
    banner = _banner(desk_editor_client, article)
    assert "Live" in banner and "Readers see this article now." in banner
    assert f'<a href="{article.get_absolute_url()}">View it on the site</a>' in banner


def test_banner_tells_the_stored_state_while_a_refused_form_is_shown(
    desk_editor_client,
):
    draft = make_article(status="draft", published_at=None, authors=[make_author()])
    data = form_data(desk_editor_client, change_url(draft))
    data.update(status="published", slug="not a slug!")
    html = desk_editor_client.post(change_url(draft), data).content.decode()
    assert 'class="desk-status desk-status-draft"' in html


# -- save messages ----------------------------------------------------------------


def test_writer_saving_a_draft_is_told_it_is_not_live(writer, writer_client):
    draft = make_article(status="draft", published_at=None, created_by=writer)
    assert "Changes saved, not yet live." in _save(writer_client, draft, title="New")


def test_writer_adding_an_article_for_review_is_told_it_was_submitted(
    writer_client, writer
):
    data = new_article_data(writer_client, make_category(), status="review")
    response = writer_client.post(add_url(), data, follow=True)
    html = response.content.decode()
    assert "Submitted for review. The article “<a href=" in html
    assert "Budget vote tonight</a>” was added successfully." in html


def test_editor_publishing_is_told_published(desk_editor_client):
    draft = make_article(status="draft", published_at=None, authors=[make_author()])
    html = _save(desk_editor_client, draft, status="published")
    assert "Published. The article" in html
    draft.refresh_from_db()
    assert draft.is_public


def test_editor_scheduling_is_told_when_in_newsroom_time(in_june, desk_editor_client):
    draft = make_article(status="draft", published_at=None, authors=[make_author()])
    html = _save(
        desk_editor_client,
        draft,
        status="published",
        **published_at_fields("2027-07-03", "14:00:00"),
    )
    assert "Scheduled for 14:00 on 3 July." in html
    draft.refresh_from_db()
    assert draft.published_at == AT_TWO_IN_LONDON


def test_scheduling_in_another_year_names_the_year(desk_editor_client):
    draft = make_article(status="draft", published_at=None, authors=[make_author()])
    year = timezone.now().year + 2
    html = _save(
        desk_editor_client,
        draft,
        status="published",
        **published_at_fields(f"{year}-12-03", "14:00:00"),
    )
    assert f"Scheduled for 14:00 on 3 December {year}." in html


def test_editor_unpublishing_is_told_readers_no_longer_see_it(desk_editor_client):
    live = make_article(authors=[make_author()])
    html = _save(desk_editor_client, live, status="draft")
    assert "Unpublished: readers no longer see it." in html


def test_describing_a_save_of_a_live_article_that_stays_live():
    # At the desk such a save waits as a pending edit, which says so itself;
    # this is what the workflow says when a save of a live article goes out.
    model_admin = admin.site._registry[Article]
    live = make_article()
    before = SavedState.of(live)
    assert model_admin.describe_save(None, live, before) == "Changes published."
    assert model_admin.describe_save(None, live, None) == "Published."


def test_a_refused_save_says_nothing_happened(desk_editor_client):
    draft = make_article(status="draft", published_at=None)
    data = form_data(desk_editor_client, change_url(draft))
    data["status"] = "published"
    html = desk_editor_client.post(change_url(draft), data).content.decode()
    assert "Published." not in html


# -- word count -------------------------------------------------------------------


def test_change_form_counts_the_words_of_the_saved_text(desk_editor_client):
    article = make_article(sections=0)
    make_section(
        article, heading="Two words", body="One *two* three [four](https://x.org)."
    )
    make_section(article, heading="", body="Five six.\n\n- seven")
    html = desk_editor_client.get(change_url(article)).content.decode()
    assert 'Words in the text: <span id="desk-word-count">9</span>' in html


def test_word_count_script_is_a_static_file_not_inline(desk_editor_client):
    html = desk_editor_client.get(add_url()).content.decode()
    assert '<script src="/static/js/desk-workflow.js" defer></script>' in html
    assert 'Words in the text: <span id="desk-word-count">0</span>' in html


def test_a_long_text_is_counted_with_thousands_marked(desk_editor_client):
    article = make_article(sections=0)
    make_section(article, heading="", body="word " * 1234)
    html = desk_editor_client.get(change_url(article)).content.decode()
    assert '<span id="desk-word-count">1,234</span>' in html
