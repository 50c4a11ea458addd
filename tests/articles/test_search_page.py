"""The search page as readers use it: form, results, filters, pages, caching."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import articles.search
from tests.articles.test_search import make_story
from tests.factories import make_category


def search(client, **params):
    return client.get(reverse("articles:search"), params)


@pytest.mark.django_db
def test_search_page_lists_results_with_highlighted_snippets(anon):
    category = make_category(name="Science")
    article = make_story(
        title="Ice sheet study",
        body="Researchers said the glacier lost a third of its mass.",
        category=category,
    )

    response = search(anon, q="glacier")

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 result" in html
    assert f'<a href="{article.get_absolute_url()}">Ice sheet study</a>' in html
    assert f'<a href="{category.get_absolute_url()}">Science</a>' in html
    assert "the <mark>glacier</mark> lost" in html
    assert '<p class="search-snippet">' in html


@pytest.mark.django_db
def test_search_page_highlights_the_standfirst_when_only_it_matches(anon):
    make_story(title="Port deal", dek="A refinery changes hands.", body="Text.")

    html = search(anon, q="refinery").content.decode()

    assert "A <mark>refinery</mark> changes hands." in html


@pytest.mark.django_db
def test_search_page_escapes_markup_stored_in_articles(anon):
    make_story(
        title="Markup <b>test</b>",
        dek="Tom & Jerry <img src=x onerror=alert(1)> meet.",
        body="Editors pasted <script>alert('x')</script> next to the turbine.",
    )

    html = search(anon, q="turbine").content.decode()

    assert "<script>alert('x')" not in html
    assert "<img src=x" not in html
    assert "Markup &lt;b&gt;test&lt;/b&gt;" in html
    assert "<mark>turbine</mark>" in html


@pytest.mark.django_db
def test_search_page_escapes_the_query(anon):
    response = search(anon, q="<script>alert(1)</script>")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_search_page_says_when_nothing_matches(anon):
    make_story(title="Something else")

    response = search(anon, q="zeppelin")

    assert response.status_code == 200
    assert "No articles match “zeppelin”" in response.content.decode()


@pytest.mark.django_db
def test_search_page_without_a_query_shows_the_form(anon):
    response = search(anon)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a word to search for." in html
    assert '<label for="search-q">Search for</label>' in html
    assert '<label for="search-category">Category</label>' in html
    assert '<label for="search-from">Published from</label>' in html
    assert '<input id="search-to" type="date" name="to"' in html


@pytest.mark.django_db
def test_search_page_is_not_for_search_engines(anon):
    response = search(anon, q="anything")

    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.django_db
def test_search_page_filters_by_category(anon):
    politics = make_category(name="Politics", slug="politics")
    sport = make_category(name="Sport", slug="sport")
    make_story(title="Budget vote", body="Referendum.", category=politics)
    make_story(title="Club vote", body="Referendum.", category=sport)

    html = search(anon, q="referendum", category="sport").content.decode()

    assert "Club vote" in html
    assert "Budget vote" not in html
    assert '<option value="sport" selected>Sport</option>' in html


@pytest.mark.django_db
def test_search_page_date_range_includes_both_days(anon):
    zone = ZoneInfo(settings.NEWSROOM_DISPLAY_TIME_ZONE)
    for day, title in [
        (9, "Before"),
        (10, "First day"),
        (12, "Last day"),
        (13, "After"),
    ]:
        make_story(
            title=title,
            body="Asylum ruling.",
            published_at=datetime(2024, 3, day, 0, 30, tzinfo=zone),
        )

    html = search(anon, q="asylum", **{"from": "2024-03-10", "to": "2024-03-12"})
    html = html.content.decode()

    assert "First day" in html
    assert "Last day" in html
    assert "Before" not in html
    assert "After" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"category": "no-such-thing"}, "There is no category “no-such-thing”."),
        ({"from": "31/12/2024"}, "Enter the date as year-month-day"),
        ({"to": "2024-02-30"}, "Enter the date as year-month-day"),
        ({"from": "1066-10-14"}, "Choose a date between 1900 and 2100."),
        ({"to": "9999-12-31"}, "Choose a date between 1900 and 2100."),
        (
            {"from": "2024-05-02", "to": "2024-05-01"},
            "The “from” date is after the “to” date.",
        ),
    ],
)
def test_search_page_refuses_bad_filters_with_a_message(anon, params, message):
    make_story(title="Tariff news", body="Tariff.")

    response = search(anon, q="tariff", **params)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Tariff news" not in html
    assert 'value="tariff"' in html  # the form keeps what the reader typed
    assert response["Cache-Control"].startswith("private")


@pytest.mark.django_db
def test_search_page_paginates(anon):
    now = timezone.now()
    for n in range(23):
        make_story(
            title=f"Storm {n:02}",
            body="Storm.",
            published_at=now - timedelta(hours=n + 1),
        )

    first = search(anon, q="storm").content.decode()
    third = search(anon, q="storm", page="3").content.decode()

    assert "23 results" in first
    assert first.count('class="card"') == 10
    assert 'rel="next" href="?q=storm&amp;page=2"' in first
    assert third.count('class="card"') == 3
    assert "Page 3 of 3" in third
    assert 'rel="prev"' in third


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5", "", "١", "99999999999"])
def test_search_page_answers_404_to_pages_that_do_not_exist(anon, page):
    for n in range(23):
        make_story(title=f"Storm {n}", body="Storm.")

    response = search(anon, q="storm", page=page)

    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.django_db
def test_search_page_stops_counting_at_the_limit(anon, monkeypatch):
    monkeypatch.setattr(articles.search, "RESULT_LIMIT", 12)
    for n in range(15):
        make_story(title=f"Drought {n}", body="Drought.")

    first = search(anon, q="drought").content.decode()
    second = search(anon, q="drought", page="2").content.decode()

    assert "More than 12 results" in first
    assert "Page 1 of 2" in first
    assert second.count('class="card"') == 2
    assert search(anon, q="drought", page="3").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("results", [3, 10])
def test_search_page_query_count(anon, django_assert_max_num_queries, results):
    for n in range(results):
        make_story(title=f"Harvest {n}", dek="Harvest.", body="Harvest festival.")

    # 1 next scheduled article (page cache), 2 categories for the filter,
    # 3 newest matches (the count), 4 ranked page, 5 article cards with their
    # categories, 6 snippets, 7 navigation. Never more with more results.
    with django_assert_max_num_queries(7):
        response = search(anon, q="harvest")

    assert response.content.decode().count('class="card"') == results


@pytest.mark.django_db
def test_search_page_is_cached_until_content_changes(
    anon, django_capture_on_commit_callbacks
):
    article = make_story(title="Pipeline", body="Pipeline.")

    assert search(anon, q="pipeline")["X-Cache"] == "miss"
    assert search(anon, q="pipeline")["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Pipeline halted"
        article.save()

    response = search(anon, q="pipeline")
    assert response["X-Cache"] == "miss"
    assert "Pipeline halted" in response.content.decode()
