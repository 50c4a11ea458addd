"""Search results and the index behind them, on whichever database the run uses."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import articles.search.backends.sqlite
import articles.search.views
from articles.models import Article
from articles.search import SearchResults, Sort
from articles.search.backends import SearchFilters, backend_for, indexed_article_ids
from articles.search.query import parse_query
from tests.factories import make_article, make_category, make_faq_item, make_section


def make_story(
    *, title: str = "Untitled", standfirst: str = "", body: str = "", **fields
):
    """A published article whose title, standfirst and body text are exactly these."""
    article = make_article(title=title, standfirst=standfirst, sections=0, **fields)
    if body:
        make_section(article, heading="", body=body)
        article.refresh_derived_text()
    return article


def without_marks(html: str) -> str:
    """``html`` without the <mark> elements around the words searched for."""
    return html.replace("<mark>", "").replace("</mark>", "")


def page_text(response) -> str:
    """A search page's HTML, its words searched for unmarked."""
    return without_marks(response.content.decode())


def found(query: str, sort: Sort = Sort.RELEVANCE, **filters) -> list[str]:
    """Titles of the first 50 results, in the order the search page shows them."""
    results = SearchResults(
        backend_for(parse_query(query), SearchFilters(**filters)), sort
    )
    return [article.title for article in results[0 : min(50, results.count())]]


@pytest.fixture(params=["lookup", "index walk"])
def candidate_plan(request, monkeypatch):
    """Runs a test with each of SQLite's two ways of finding the newest matches.

    PostgreSQL's planner makes that choice itself, so there both runs are alike.
    """
    if request.param == "index walk":
        monkeypatch.setattr(articles.search.backends.sqlite, "INDEX_WALK_FROM", 1)


@pytest.mark.django_db
def test_search_ranks_title_above_standfirst_above_body():
    make_story(title="Body match", body="Scientists measured the glacier again.")
    make_story(title="Standfirst match", standfirst="A glacier is shrinking fast.")
    make_story(title="Glacier retreats", standfirst="Measurements from the summit.")
    make_story(title="No match", body="Nothing about ice here.")

    assert found("glacier") == ["Glacier retreats", "Standfirst match", "Body match"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_breaks_ties_by_recency():
    now = timezone.now()
    make_story(
        title="Older", body="Harbour strike.", published_at=now - timedelta(days=3)
    )
    make_story(
        title="Newest", body="Harbour strike.", published_at=now - timedelta(hours=1)
    )
    make_story(
        title="Middle", body="Harbour strike.", published_at=now - timedelta(days=1)
    )

    assert found("harbour") == ["Newest", "Middle", "Older"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["guarantee", "guarantees", "guaranteed"])
def test_search_matches_other_forms_of_a_word(query):
    make_story(title="Pension promise", body="The treaty guarantees pensions.")
    make_story(title="Loan", body="The state guaranteed the loan.")

    assert sorted(found(query)) == ["Loan", "Pension promise"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_phrase_needs_the_words_together_and_in_order():
    make_story(title="Resumed", body="The peace talks resumed on Monday.")
    make_story(title="Apart", body="They talk about peace, and the talks stall.")

    assert found('"peace talks"') == ["Resumed"]
    assert sorted(found("peace talks")) == ["Apart", "Resumed"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_needs_every_word():
    make_story(title="Both", body="Flooding closed the bridge.")
    make_story(title="One", body="Flooding in the valley.")

    assert found("flooding bridge") == ["Both"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_leaves_out_excluded_words_and_phrases():
    make_story(title="Vote", body="The election was close.")
    make_story(title="Sport", body="The football club held an election.")
    make_story(title="Cup", body="An election for the world cup host.")

    assert sorted(found("election -football")) == ["Cup", "Vote"]
    assert sorted(found('election -football -"world cup"')) == ["Vote"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_or_finds_either_word():
    make_story(title="Ice", body="A glacier calved.")
    make_story(title="Fire", body="A volcano erupted.")
    make_story(title="Neither", body="A quiet day.")

    assert sorted(found("glacier OR volcano")) == ["Fire", "Ice"]


@pytest.mark.django_db
def test_search_finds_words_in_tables_and_faq():
    article = make_story(title="Budget explained", body="Figures below.")
    make_faq_item(article, question="Who pays?", answer="Taxpayers in Lancashire.")
    article.refresh_derived_text()

    assert found("lancashire") == ["Budget explained"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "offset"),
    [
        (Article.Status.DRAFT, timedelta(hours=-1)),
        (Article.Status.REVIEW, timedelta(hours=-1)),
        (Article.Status.PUBLISHED, timedelta(hours=1)),  # scheduled
    ],
)
@pytest.mark.usefixtures("candidate_plan")
def test_search_never_finds_unpublished_articles(status, offset):
    make_story(
        title="Hidden quokka",
        standfirst="Quokka census.",
        body="Quokka numbers.",
        status=status,
        published_at=timezone.now() + offset,
    )
    make_story(title="Public quokka", body="Quokka sighting.")

    assert found("quokka") == ["Public quokka"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_scheduled_article_is_found_once_its_time_comes():
    make_story(
        title="Embargoed report",
        body="Lithium reserves.",
        published_at=timezone.now() + timedelta(hours=2),
    )
    assert found("lithium") == []

    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert found("lithium") == ["Embargoed report"]


@pytest.mark.django_db
def test_index_follows_title_and_standfirst_edits(django_capture_on_commit_callbacks):
    article = make_story(title="Wildfire spreads", standfirst="Crews retreat.")

    article.title = "Heatwave ends"
    article.standfirst = "Rain arrives."
    with django_capture_on_commit_callbacks(execute=True):
        article.save()

    assert found("wildfire") == []
    assert found("crews") == []
    assert found("heatwave") == ["Heatwave ends"]
    assert found("rain") == ["Heatwave ends"]


@pytest.mark.django_db
def test_index_ignores_saves_that_do_not_touch_text():
    article = make_story(title="Orchard harvest")

    article.is_commenting_open = False
    article.save(update_fields=["is_commenting_open"])

    assert found("orchard") == ["Orchard harvest"]


@pytest.mark.django_db
def test_index_follows_section_edits(django_capture_on_commit_callbacks):
    article = make_story(title="Council meeting", body="The mayor spoke.")
    section = article.sections.get()

    section.body = "The treasurer resigned."
    with django_capture_on_commit_callbacks(execute=True):
        section.save()

    assert found("mayor") == []
    assert found("treasurer") == ["Council meeting"]


@pytest.mark.django_db
def test_index_follows_publishing_and_unpublishing(django_capture_on_commit_callbacks):
    article = make_story(
        title="Shipyard", status=Article.Status.DRAFT, published_at=None
    )
    assert found("shipyard") == []

    # On PostgreSQL a whole save() also writes the instance's stale copy of
    # the index entry, which is made afresh once the save commits.
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.PUBLISHED
        article.save()
    assert found("shipyard") == ["Shipyard"]

    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert found("shipyard") == []


@pytest.mark.django_db
def test_index_forgets_deleted_articles():
    kept = make_story(title="Monastery")
    deleted = make_story(title="Monastery ruins")

    deleted.delete()

    assert found("monastery") == ["Monastery"]
    assert kept.pk in indexed_article_ids()
    assert deleted.pk not in indexed_article_ids()


@pytest.mark.django_db
def test_rebuild_command_indexes_articles_written_in_bulk(capsys):
    category = make_category()
    now = timezone.now() - timedelta(hours=1)
    Article.objects.bulk_create(
        Article(
            title=f"Vineyard report {n}",
            slug=f"vineyard-{n}",
            category=category,
            status=Article.Status.PUBLISHED,
            published_at=now,
            body_text="Grapes.",
        )
        for n in range(5)
    )
    assert found("vineyard") == []

    call_command("rebuild_search_index", batch_size=2)

    assert len(found("vineyard")) == 5
    assert len(found("grapes")) == 5
    assert "Indexed 5 articles" in capsys.readouterr().out


@pytest.mark.django_db
def test_rebuild_command_removes_entries_of_vanished_articles():
    article = make_story(title="Cathedral")
    Article.objects.filter(pk=article.pk).update(title="Museum")

    call_command("rebuild_search_index", verbosity=0)

    assert found("cathedral") == []
    assert found("museum") == ["Museum"]
    assert indexed_article_ids() == {article.pk}


def test_rebuild_command_explains_itself(capsys):
    with pytest.raises(SystemExit):
        call_command("rebuild_search_index", "--help")

    assert "Rebuild the full-text search index" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_filters_by_category_and_dates():
    politics, sport = make_category(), make_category()
    now = timezone.now()
    make_story(
        title="Old politics",
        body="Tariff.",
        category=politics,
        published_at=now - timedelta(days=40),
    )
    make_story(
        title="New politics",
        body="Tariff.",
        category=politics,
        published_at=now - timedelta(days=2),
    )
    make_story(title="Sport", body="Tariff.", category=sport)

    assert sorted(found("tariff", category_id=politics.pk)) == [
        "New politics",
        "Old politics",
    ]
    assert found(
        "tariff", category_id=politics.pk, published_from=now - timedelta(days=10)
    ) == ["New politics"]
    assert found("tariff", published_before=now - timedelta(days=10)) == [
        "Old politics"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.usefixtures("candidate_plan")
def test_search_candidates_are_the_newest_matches_by_publication_time(
    monkeypatch, sort
):
    monkeypatch.setattr(articles.search.views, "RESULT_LIMIT", 3)
    now = timezone.now()
    for days in (1, 2, 3):
        make_story(
            title=f"Ferry news {days}",
            body="The ferry sailed.",
            published_at=now - timedelta(days=days),
        )
    # Imported after the others, so it has the highest id, but it is the oldest,
    # and the best match: only the candidate set can keep it off the page.
    archive = make_story(
        title="Ferry ferry archive",
        standfirst="Ferry.",
        body="The ferry sailed.",
        published_at=now - timedelta(days=4000),
    )
    assert archive.pk == Article.objects.latest("pk").pk

    assert found("ferry", sort) == ["Ferry news 1", "Ferry news 2", "Ferry news 3"]
    # Filters choose the matches first; the newest of those are the candidates.
    before = now - timedelta(days=2, hours=12)
    expected = ["Ferry ferry archive", "Ferry news 3"]  # best match first
    if sort == Sort.NEWEST:
        expected.reverse()
    assert found("ferry", sort, published_before=before) == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_candidates_in_a_category_are_its_newest_matches(monkeypatch):
    monkeypatch.setattr(articles.search.views, "RESULT_LIMIT", 2)
    politics, sport = make_category(), make_category()
    now = timezone.now()
    for hours in (1, 2, 3):
        make_story(
            title=f"Sport tariff {hours}",
            body="Tariff.",
            category=sport,
            published_at=now - timedelta(hours=hours),
        )
    make_story(
        title="Politics tariff new",
        body="Tariff.",
        category=politics,
        published_at=now - timedelta(days=1),
    )
    make_story(
        title="Politics tariff newer",
        body="Tariff.",
        category=politics,
        published_at=now - timedelta(hours=20),
    )
    make_story(
        title="Politics tariff archive",
        body="Tariff.",
        category=politics,
        published_at=now - timedelta(days=3000),
    )

    assert found("tariff", Sort.NEWEST, category_id=politics.pk) == [
        "Politics tariff newer",
        "Politics tariff new",
    ]
    assert found("tariff", Sort.NEWEST) == ["Sport tariff 1", "Sport tariff 2"]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_newest_first_orders_by_publication_time_then_id():
    now = timezone.now()
    moment = now - timedelta(hours=5)
    make_story(title="Lighthouse first", body="Lighthouse.", published_at=moment)
    make_story(
        title="Lighthouse keeper",
        standfirst="Lighthouse.",
        body="Lighthouse.",
        published_at=now - timedelta(days=9),
    )
    make_story(title="Lighthouse second", body="Lighthouse.", published_at=moment)
    make_story(
        title="Lighthouse today",
        body="Lighthouse.",
        published_at=now - timedelta(hours=1),
    )

    assert found("lighthouse", Sort.NEWEST) == [
        "Lighthouse today",
        "Lighthouse second",  # same moment as "first", created later
        "Lighthouse first",
        "Lighthouse keeper",
    ]
    assert found("lighthouse") == [
        "Lighthouse keeper",
        "Lighthouse today",
        "Lighthouse second",
        "Lighthouse first",
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("candidate_plan")
def test_search_candidates_break_publication_ties_by_id(monkeypatch):
    monkeypatch.setattr(articles.search.views, "RESULT_LIMIT", 2)
    moment = timezone.now() - timedelta(hours=3)
    for n in range(4):
        make_story(title=f"Quarry {n}", body="Quarry.", published_at=moment)

    assert found("quarry", Sort.NEWEST) == ["Quarry 3", "Quarry 2"]
    assert found("quarry") == ["Quarry 3", "Quarry 2"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_never_reaches_the_index():
    article = make_story(title="Harbour opens")

    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Harbour closes"
        article.save()
        raise RuntimeError("the edit failed after the row was written")

    assert found("harbour") == ["Harbour opens"]
    assert found("closes") == []
