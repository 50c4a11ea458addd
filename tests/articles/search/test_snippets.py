"""The extracts under each search result: highlighted, well placed, and cheap whatever the body."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.search.backends.postgres import (
    HEADLINE_CHARS,
    INDEXED_BODY_CHARS,
    SNIPPET_WORDS,
)
from articles.search.backends.sqlite import (
    EXTRACT_PIECE_CHARS,
    EXTRACT_STANDFIRST_CHARS,
    EXTRACT_TABLE,
    FTS_TABLE,
    FTS_TOKENIZER,
)
from articles.search.extracts import (
    ELLIPSIS,
    EXTRACT_BODY_CHARS,
    MARK_END,
    MARK_START,
    SNIPPET_CHARS,
    best_extract,
    split_text,
)
from tests.articles.search.test_search import make_story

SEARCH = "/search/"
FILLER = "Officials met again on Tuesday to discuss the timetable. "


def snippets(html: str) -> list[str]:
    """The text of every result's extract, as the page shows it."""
    parts = html.split('<p class="search-snippet">')[1:]
    return [part.split("</p>", 1)[0] for part in parts]


def search(client, query: str) -> tuple[str, list[str]]:
    """The page for ``query`` (which must answer 200), and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response.content.decode(), [run["sql"] for run in queries]


def assert_extracts_read_a_bounded_text(sql: list[str], articles: int = 1) -> None:
    """The extracts were made from at most the opening of each body, whatever its length."""
    if connection.vendor == "postgresql":
        headlines = [statement for statement in sql if "ts_headline" in statement]
        assert headlines
        assert all(f", {HEADLINE_CHARS})" in statement for statement in headlines)
        return
    # snippet() on the search index compared every match with every other.
    assert not any("snippet(" in statement for statement in sql)
    assert all(EXTRACT_TABLE in s for s in sql if "highlight(" in s)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(length(standfirst) + length(body)), max(length(body))"
            f" FROM temp.{EXTRACT_TABLE}"
        )
        pieces, characters, longest = cursor.fetchone()
    assert pieces >= articles
    assert characters <= articles * (EXTRACT_BODY_CHARS + EXTRACT_STANDFIRST_CHARS)
    assert longest <= EXTRACT_PIECE_CHARS


def matches_marked_on_sqlite(word: str) -> int:
    """How many matches of ``word`` the last page's extracts had to mark (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.extract_words"
            f" USING fts5vocab(temp, {EXTRACT_TABLE}, instance)"
        )
        cursor.execute(
            "SELECT count(*) FROM temp.extract_words WHERE term = %s", [word]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_search_page_answers_for_an_article_repeating_one_word(anon):
    # An editor's paste accident: one word 40,000 times. Marking each match
    # against every other one took 8.8 s for this article alone.
    make_story(title="Pasted twice", standfirst="Budget notes.", body="word " * 40_000)

    html, sql = search(anon, "word")

    assert "Pasted twice" in html
    [extract] = snippets(html)
    assert extract.startswith("<mark>word</mark> <mark>word</mark>")
    # A line or two: PostgreSQL shows up to two passages of SNIPPET_WORDS words.
    assert extract.count("<mark>word</mark>") <= 2 * SNIPPET_WORDS
    assert_extracts_read_a_bounded_text(sql)
    if connection.vendor == "sqlite":
        # The body holds 40,000; the extract looked at the first 4,000.
        assert matches_marked_on_sqlite("word") == EXTRACT_BODY_CHARS // len("word ")


@pytest.mark.django_db
def test_search_page_answers_for_a_page_of_repetitive_articles(anon):
    for n in range(10):
        make_story(title=f"Drill {n}", body="zz " * 33_000)

    html, sql = search(anon, "zz")

    assert len(snippets(html)) == 10
    assert all(
        extract.count("<mark>zz</mark>") <= 2 * SNIPPET_WORDS
        for extract in snippets(html)
    )
    assert_extracts_read_a_bounded_text(sql, articles=10)


@pytest.mark.django_db
def test_search_page_finds_a_word_at_the_end_of_a_very_long_body(anon):
    # Past the extracts' reach, inside what both databases index.
    body = " ".join(f"w{n}" for n in range(25_000)) + " Finally the lighthouse."
    assert HEADLINE_CHARS < len(body) < INDEXED_BODY_CHARS
    make_story(title="Coastal survey", standfirst="Every beacon counted.", body=body)

    html, sql = search(anon, "lighthouse")

    assert "Coastal survey" in html
    assert snippets(html) == ["Every beacon counted."]
    assert_extracts_read_a_bounded_text(sql)


@pytest.mark.django_db
def test_search_snippet_marks_other_forms_of_the_word(anon):
    make_story(title="Pensions", body="The treaty guarantees pensions for miners.")

    html, _sql = search(anon, "guarantee")

    [extract] = snippets(html)
    assert "treaty <mark>guarantees</mark> pensions for miners" in extract
    if connection.vendor == "sqlite":
        # Marked with the stemming the index matched with.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE name = %s"
                " UNION ALL SELECT name, sql FROM sqlite_temp_master WHERE name = %s",
                [FTS_TABLE, EXTRACT_TABLE],
            )
            tables = dict(cursor.fetchall())
        assert f"tokenize = '{FTS_TOKENIZER}'" in tables[FTS_TABLE]
        assert f"tokenize = '{FTS_TOKENIZER}'" in tables[EXTRACT_TABLE]


@pytest.mark.django_db
def test_search_snippet_shows_the_sentence_of_a_match_deep_in_the_body(anon):
    body = FILLER * 150 + "Divers found the shipwreck near the reef. " + FILLER * 20
    make_story(title="Wreck", body=body)

    html, _sql = search(anon, "shipwreck")

    [extract] = snippets(html)
    assert "Divers found the <mark>shipwreck</mark> near the reef" in extract
    assert len(extract) < 400


@pytest.mark.django_db
def test_search_snippet_prefers_the_place_with_every_searched_word(anon):
    body = (
        "Flooding closed two roads. "
        + FILLER * 30
        + "Flooding washed away the old bridge at dawn. "
        + FILLER * 30
    )
    make_story(title="Storm damage", body=body)

    html, _sql = search(anon, "flooding bridge")

    [extract] = snippets(html)
    assert "<mark>Flooding</mark> washed away the old <mark>bridge</mark>" in extract


@pytest.mark.django_db
def test_search_snippet_marks_a_phrase(anon):
    make_story(title="Talks", body=FILLER * 40 + "The peace talks resumed in Geneva.")

    html, _sql = search(anon, '"peace talks"')

    [extract] = snippets(html)
    assert "<mark>peace" in extract
    assert "talks</mark> resumed in Geneva" in extract


@pytest.mark.django_db
def test_search_snippet_shows_the_standfirst_when_only_the_title_matches(anon):
    make_story(
        title="Quarry report", standfirst="Stone prices rise.", body="Nothing else."
    )

    html, _sql = search(anon, "quarry")

    assert snippets(html) == ["Stone prices rise."]


@pytest.mark.django_db
def test_search_snippet_never_trusts_markers_stored_in_an_article(anon):
    make_story(
        title="Harbour",
        standfirst=f"A {MARK_START}forged{MARK_END} standfirst.",
        body=f"The harbour {MARK_START}reopened{MARK_END} today.",
    )
    make_story(title="Ferry", standfirst=f"Only {MARK_START}forged{MARK_END} here.")

    harbour, _sql = search(anon, "harbour")
    ferry, _sql = search(anon, "ferry")

    [extract] = snippets(harbour)
    assert "<mark>harbour</mark> reopened today" in extract
    assert extract.count("<mark>") == 1
    assert snippets(ferry) == ["Only forged here."]


def test_split_text_cuts_after_a_sentence_and_joins_up_again():
    text = "A short opening line.\n" + "One sentence here. " * 300

    pieces = split_text(text, 1000)

    assert "".join(pieces) == text
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece.endswith(". ") for piece in pieces[:-1])


@pytest.mark.parametrize("text", ["x" * 4500, "a.a." * 1200, "中文" * 3000])
def test_split_text_cuts_text_without_spaces_at_the_size(text):
    pieces = split_text(text, 1000)

    assert "".join(pieces) == text
    assert all(len(piece) <= 1000 for piece in pieces)


def marked(word: str) -> str:
    return f"{MARK_START}{word}{MARK_END}"


@pytest.mark.parametrize(
    "text",
    [
        f"{marked('a')} " * 10_000,
        f"{marked('a')}." * 10_000,
        "x" * 5000 + marked("storm") + "y" * 5000,
        FILLER * 10 + marked("peace talks") + " " + FILLER * 10,
        (FILLER * 3)[:170] + marked("a very long phrase of twelve words here") + "z",
    ],
)
def test_best_extract_is_short_and_never_cuts_a_mark(text):
    extract = best_extract(text)

    assert len(extract) <= SNIPPET_CHARS + 2 * len(ELLIPSIS)
    assert extract.count(MARK_START) == extract.count(MARK_END) >= 1
    assert extract.find(MARK_START) < extract.find(MARK_END)


def test_best_extract_starts_at_the_sentence_of_the_match():
    text = FILLER * 10 + f"Rain fell on the {marked('harbour')} all day. " + FILLER

    assert best_extract(text).startswith(f"{ELLIPSIS}Rain fell on the ")


def test_best_extract_without_marks_is_the_opening():
    assert best_extract(FILLER * 10).startswith(FILLER)
    assert best_extract(FILLER * 10).endswith(ELLIPSIS)
    assert best_extract("Short text.") == "Short text."
    assert best_extract("Short text.", is_cut=True) == f"Short text.{ELLIPSIS}"
