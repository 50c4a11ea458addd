"""The search page as readers use it: form, results, filters, pages, caching."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import articles.search.views
from tests.articles.search.test_search import make_story, page_text, without_marks
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
    make_story(title="Port deal", standfirst="A refinery changes hands.", body="Text.")

    html = search(anon, q="refinery").content.decode()

    assert "A <mark>refinery</mark> changes hands." in html


@pytest.mark.django_db
def test_search_page_escapes_markup_stored_in_articles(anon):
    make_story(
        title="Markup <b>test</b>",
        standfirst="Tom & Jerry <img src=x onerror=alert(1)> meet.",
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
    assert '<label for="search-sort">Sort by</label>' in html
    assert '<option value="relevance" selected>Best match</option>' in html
    assert '<option value="newest">Newest first</option>' in html


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
    zone = ZoneInfo(settings.TIME_ZONE)
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
        ({"from": "1066-10-14"}, "Choose a date between 1800 and 2199."),
        ({"to": "9999-12-31"}, "Choose a date between 1800 and 2199."),
        (
            {"from": "2024-05-02", "to": "2024-05-01"},
            "The “from” date is after the “to” date.",
        ),
        ({"sort": "oldest"}, "Results can only be sorted by “Best match” or"),
        ({"sort": "Newest"}, "Results can only be sorted by “Best match” or"),
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
    monkeypatch.setattr(articles.search.views, "RESULT_LIMIT", 12)
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
        make_story(
            title=f"Harvest {n}", standfirst="Harvest.", body="Harvest festival."
        )

    # 1 next scheduled article (page cache), 2 categories for the filter,
    # 3 how many match, up to 2,000 (SQLite only: it picks the plan for 4),
    # 4 newest matches (the count), 5 their scores (SQLite only: PostgreSQL
    # scores them in 4), 6 article cards with their categories, 7 snippets
    # (SQLite: the texts, then 8 drop the last page's temporary table, 9 make
    # a new one, 10 fill it, 11 mark the words), 12 navigation. Never more
    # with more results.
    with django_assert_max_num_queries(12 if connection.vendor == "sqlite" else 7):
        response = search(anon, q="harvest")

    assert response.content.decode().count('class="card"') == results


@pytest.mark.django_db
@pytest.mark.parametrize("results", [3, 10])
def test_search_page_newest_first_query_count(
    anon, django_assert_max_num_queries, results
):
    for n in range(results):
        make_story(
            title=f"Harvest {n}", standfirst="Harvest.", body="Harvest festival."
        )

    # As above without the scores: the newest matches are the order.
    with django_assert_max_num_queries(11 if connection.vendor == "sqlite" else 6):
        response = search(anon, q="harvest", sort="newest")

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
    assert "Pipeline halted" in page_text(response)


def titles_in_order(html: str, titles: list[str]) -> list[str]:
    """The given titles in the order they appear on the page."""
    html = without_marks(html)
    return sorted((t for t in titles if t in html), key=html.index)


@pytest.mark.django_db
def test_search_page_sorts_by_best_match_or_newest_first(anon):
    now = timezone.now()
    make_story(
        title="Glacier survey",
        standfirst="The glacier shrank.",
        body="Glacier.",
        published_at=now - timedelta(days=30),
    )
    make_story(
        title="Mountain news", body="A glacier.", published_at=now - timedelta(hours=2)
    )
    make_story(
        title="Valley news", body="A glacier.", published_at=now - timedelta(days=3)
    )
    titles = ["Glacier survey", "Mountain news", "Valley news"]

    best = search(anon, q="glacier").content.decode()
    newest = search(anon, q="glacier", sort="newest").content.decode()
    explicit = search(anon, q="glacier", sort="relevance").content.decode()

    assert titles_in_order(best, titles) == titles
    assert titles_in_order(explicit, titles) == titles
    assert titles_in_order(newest, titles) == [
        "Mountain news",
        "Valley news",
        "Glacier survey",
    ]
    assert '<option value="newest" selected>Newest first</option>' in newest
    assert '<option value="relevance">Best match</option>' in newest
    assert "3 results" in newest


@pytest.mark.django_db
def test_search_page_newest_first_keeps_only_the_newest_matches(anon, monkeypatch):
    monkeypatch.setattr(articles.search.views, "RESULT_LIMIT", 3)
    now = timezone.now()
    for days in (1, 2, 3):
        make_story(
            title=f"Harbour report {days}",
            body="Harbour.",
            published_at=now - timedelta(days=days),
        )
    # The highest id, the oldest publication time.
    make_story(
        title="Harbour history",
        standfirst="Harbour.",
        body="Harbour harbour.",
        published_at=now - timedelta(days=5000),
    )

    for sort in ("relevance", "newest"):
        html = page_text(search(anon, q="harbour", sort=sort))
        assert "More than 3 results" in html
        assert "Harbour report 3" in html
        assert "Harbour history" not in html


@pytest.mark.django_db
def test_search_page_links_to_other_pages_keep_the_sort(anon):
    now = timezone.now()
    for n in range(12):
        make_story(
            title=f"Storm {n:02}",
            body="Storm.",
            published_at=now - timedelta(hours=n + 1),
        )

    first = search(anon, q="storm", sort="newest").content.decode()
    second = search(anon, q="storm", sort="newest", page="2").content.decode()

    assert 'rel="next" href="?q=storm&amp;sort=newest&amp;page=2"' in first
    assert 'rel="prev" href="?q=storm&amp;sort=newest"' in second
    titles = [f"Storm {n:02}" for n in range(12)]
    assert titles_in_order(first, titles) == titles[:10]
    assert titles_in_order(second, titles) == titles[10:]


@pytest.mark.django_db
def test_search_page_without_a_sort_uses_best_match(anon):
    make_story(title="Tram line", body="Tram.")

    response = search(anon, q="tram", sort="")

    assert response.status_code == 200
    assert '<option value="relevance" selected>Best match</option>' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_search_page_refuses_an_unknown_sort_and_keeps_the_form(anon):
    make_story(title="Tram line", body="Tram.")

    response = search(anon, q="tram", category="", sort="popular")

    html = response.content.decode()
    assert response.status_code == 400
    assert "Tram line" not in html
    assert 'value="tram"' in html
    assert (
        '<select id="search-sort" name="sort" aria-invalid="true"'
        ' aria-describedby="search-sort-error">'
    ) in html
    assert '<a href="#search-sort">Sort by</a>' in html
    assert response["Cache-Control"].startswith("private")


@pytest.mark.django_db
def test_search_page_caches_each_sort_separately(anon):
    now = timezone.now()
    make_story(
        title="Pipeline deal",
        standfirst="Pipeline.",
        published_at=now - timedelta(days=2),
    )
    make_story(
        title="Gas news", body="Pipeline.", published_at=now - timedelta(hours=1)
    )

    best = search(anon, q="pipeline")
    newest = search(anon, q="pipeline", sort="newest")

    assert best["X-Cache"] == "miss"
    assert newest["X-Cache"] == "miss"
    assert search(anon, q="pipeline", sort="newest")["X-Cache"] == "hit"
    titles = ["Pipeline deal", "Gas news"]
    assert titles_in_order(best.content.decode(), titles) == titles
    assert titles_in_order(newest.content.decode(), titles) == titles[::-1]
