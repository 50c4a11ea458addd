"""The words searched for, marked in each result's title as in its extract."""

import pytest
from django.db import connection
from django.urls import reverse

from articles.search.backends.sqlite import FTS_TOKENIZER
from articles.search.extracts import (
    MARK_END,
    MARK_START,
    index_form,
    mark_title,
)
from articles.search.query import parse_query
from tests.articles.search.test_search import make_story


def titles(html: str) -> list[str]:
    """The inside of every result's title link, as the page shows it."""
    parts = html.split('<h2 class="card-title"><a href="')[1:]
    return [part.split('">', 1)[1].split("</a>", 1)[0] for part in parts]


def search(client, query: str) -> str:
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_search_page_marks_the_words_in_result_titles(anon):
    make_story(title="Glacier retreats again", body="The glacier shrank.")

    assert titles(search(anon, "glacier")) == ["<mark>Glacier</mark> retreats again"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["guarantee", "guarantees", "guaranteed"])
def test_search_page_marks_other_forms_of_the_word_in_titles(anon, query):
    make_story(title="Treaty guarantees pensions", body="Pensions for miners.")

    assert titles(search(anon, query)) == ["Treaty <mark>guarantees</mark> pensions"]


@pytest.mark.django_db
def test_search_page_marks_a_phrase_in_a_title_only_where_its_words_stand_together(
    anon,
):
    make_story(title="Peace talks stall; talks of peace go on", body="Geneva.")

    assert titles(search(anon, '"peace talks"')) == [
        "<mark>Peace talks</mark> stall; talks of peace go on"
    ]


@pytest.mark.django_db
def test_search_page_marks_either_word_of_an_or_in_titles(anon):
    make_story(title="Volcano wakes near the glacier", body="Ash.")

    assert titles(search(anon, "glacier OR volcano")) == [
        "<mark>Volcano</mark> wakes near the <mark>glacier</mark>"
    ]


@pytest.mark.django_db
def test_search_page_escapes_a_hostile_title_before_marking_it(anon):
    make_story(
        title="<script>alert('storm')</script> Tom & Jerry's <b>storm</b> amp lt",
        body="Storm.",
    )

    html = search(anon, "storm amp lt")

    assert "<script>alert(" not in html
    assert "<b>" not in html
    assert titles(html) == [
        "&lt;script&gt;alert(&#x27;<mark>storm</mark>&#x27;)&lt;/script&gt;"
        " Tom &amp; Jerry&#x27;s &lt;b&gt;<mark>storm</mark>&lt;/b&gt;"
        " <mark>amp</mark> <mark>lt</mark>"
    ]


@pytest.mark.django_db
def test_search_page_never_trusts_markers_stored_in_a_title(anon):
    make_story(title=f"A {MARK_START}forged{MARK_END} storm", body="Storm.")

    assert titles(search(anon, "storm")) == ["A forged <mark>storm</mark>"]


def mark(title: str, query: str) -> str:
    return str(mark_title(title, parse_query(query)))


@pytest.mark.parametrize(
    ("title", "query", "marked"),
    [
        ("Report on the port", "port", "Report on the <mark>port</mark>"),
        ("Flooding closed roads", "flood", "<mark>Flooding</mark> closed roads"),
        ("Café society", "cafe", "<mark>Café</mark> society"),
        ("Cafe society", "café", "<mark>Cafe</mark> society"),
        ("A well-known face", "well-known", "A <mark>well-known</mark> face"),
        ("Peace & talks", '"peace talks"', "<mark>Peace &amp; talks</mark>"),
        (
            "Peace, peace talks",
            'peace "peace talks"',
            "<mark>Peace</mark>, <mark>peace talks</mark>",
        ),
        ("Talks peace", '"peace talks"', "Talks peace"),
        (
            "Election and football",
            "election -football",
            "<mark>Election</mark> and football",
        ),
        (
            "World cup election",
            'election -"world cup"',
            "World cup <mark>election</mark>",
        ),
        ("Cup final", 'cup -"world cup"', "<mark>Cup</mark> final"),
        ("Storm watch", "-storm", "Storm watch"),
        (
            "Farmers protest in Paris",
            "protesting farmer",
            "<mark>Farmers</mark> <mark>protest</mark> in Paris",
        ),
        ("东京 news", "东京", "<mark>东京</mark> news"),
        ("Tom & Jerry", "amp", "Tom &amp; Jerry"),
        ('He said "no"', "quot", "He said &quot;no&quot;"),
    ],
)
def test_mark_title_escapes_then_marks_the_words_searched_for(title, query, marked):
    assert mark(title, query) == marked


# Porter's own examples, and words the news is made of.
STEMMED = {
    "caresses": "caress",
    "ponies": "poni",
    "ties": "ti",
    "cats": "cat",
    "feed": "feed",
    "agreed": "agre",
    "plastered": "plaster",
    "motoring": "motor",
    "sing": "sing",
    "conflated": "conflat",
    "hopping": "hop",
    "falling": "fall",
    "filing": "file",
    "happy": "happi",
    "sky": "sky",
    "relational": "relat",
    "conditional": "condit",
    "digitizer": "digit",
    "vietnamization": "vietnam",
    "predication": "predic",
    "operator": "oper",
    "hopefulness": "hope",
    "sensibiliti": "sensibl",
    "electrical": "electr",
    "goodness": "good",
    "allowance": "allow",
    "adjustment": "adjust",
    "replacement": "replac",
    "adoption": "adopt",
    "effective": "effect",
    "controll": "control",
    "roll": "roll",
    "generalization": "gener",
    "negotiations": "negoti",
    "elections": "elect",
    "guaranteed": "guarante",
    "ceasefire": "ceasefir",
    "an": "an",
}


@pytest.mark.parametrize(("word", "stem"), STEMMED.items())
def test_index_form_follows_porters_algorithm(word, stem):
    assert index_form(word) == stem


NEWS_TEXT = (
    "the peace talks resumed in geneva on tuesday as negotiators from both sides "
    "agreed a ceasefire guaranteeing humanitarian corridors officials said the "
    "agreement would be monitored by international observers meanwhile flooding "
    "closed bridges railways and motorways across the region emergency services "
    "rescued stranded residents hopefully conditions improve generously funded "
    "relational operational sensibility electricity controllable falling filing "
    "hopping hissing fizzed tanned troubled sized happily skies dying lying news "
    "communism activate angularity homologous effective bowdlerize probate "
    "cease controlling rolled feudalism decisiveness callousness formality "
    "sensitivity triplicate formative formalize electrical hopeful goodness "
    "revival allowance inference airliner gyroscopic adjustable defensible "
    "irritant replacement adjustment dependent adoption homologou vietnamization "
    "predication operator digitizer conformabli radicalli differentli vileli "
    "analogousli valenci hesitanci conditional rational ing ating "
    "naïve façade résumé zürich señor 1990s"
)


@pytest.mark.django_db
def test_index_form_is_the_word_the_sqlite_index_holds():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's tokenizer")
    words = sorted(set(NEWS_TEXT.split()) | set(STEMMED))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.stems"
            f" USING fts5(word, tokenize = '{FTS_TOKENIZER}')"
        )
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.stem_words"
            " USING fts5vocab(temp, stems, instance)"
        )
        for rowid, word in enumerate(words):
            cursor.execute(
                "INSERT INTO temp.stems (rowid, word) VALUES (%s, %s)", [rowid, word]
            )
        cursor.execute("SELECT doc, term FROM temp.stem_words")
        indexed = {words[doc]: term for doc, term in cursor.fetchall()}

    assert {word: index_form(word) for word in words} == indexed


@pytest.mark.django_db
def test_index_form_is_the_word_the_postgresql_index_holds():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text search configuration")
    words = sorted(set(NEWS_TEXT.split()) | set(STEMMED))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ts_lexize('english_stem', word) FROM unnest(%s::text[]) word",
            [words],
        )
        indexed = {word: lexemes[0] for word, lexemes in cursor.fetchall() if lexemes}

    # Stop words ("the", "on", …) have no lexeme and are never searched for.
    assert len(indexed) > len(words) * 0.8
    assert {word: index_form(word, "english") for word in indexed} == indexed
