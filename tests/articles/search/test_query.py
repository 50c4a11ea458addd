import re

import pytest

from articles.search.backends.sqlite import fts5_expression
from articles.search.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    Term,
    clean_query,
    parse_query,
)


def words(query) -> list[list[str]]:
    return [[" ".join(term.words) for term in group] for group in query.groups]


def test_parse_query_splits_words_and_lowercases():
    query = parse_query("Peace  TALKS")

    assert words(query) == [["peace"], ["talks"]]
    assert query.excluded == ()


def test_parse_query_keeps_quoted_phrases_together():
    query = parse_query('"peace talks" resume')

    assert words(query) == [["peace talks"], ["resume"]]
    assert query.groups[0][0].is_phrase


def test_parse_query_runs_an_unclosed_quote_to_the_end():
    assert words(parse_query('talks "peace deal')) == [["talks"], ["peace deal"]]


def test_parse_query_reads_minus_and_not_as_exclusions():
    query = parse_query('election -football NOT cricket -"world cup"')

    assert words(query) == [["election"]]
    assert query.excluded == (
        Term(("football",)),
        Term(("cricket",)),
        Term(("world", "cup")),
    )


def test_parse_query_groups_or_alternatives():
    query = parse_query("glacier OR volcano eruption")

    assert words(query) == [["glacier", "volcano"], ["eruption"]]


def test_parse_query_keeps_lowercase_or_as_a_word():
    assert words(parse_query("this or that")) == [["this"], ["or"], ["that"]]


def test_parse_query_treats_hyphenated_words_as_a_phrase():
    assert words(parse_query("well-known")) == [["well known"]]


@pytest.mark.parametrize(
    "raw", ["", "   ", "-", "--", '""', '" "', "OR", "AND", "NOT", "*", "^", "()", "😀"]
)
def test_parse_query_without_words_is_not_searchable(raw):
    assert not parse_query(raw).is_searchable


def test_parse_query_with_only_exclusions_is_not_searchable():
    query = parse_query("-foo")

    assert not query.is_searchable
    assert query.excluded == (Term(("foo",)),)


def test_parse_query_drops_repeated_terms():
    assert words(parse_query("tax tax TAX")) == [["tax"]]


def test_parse_query_caps_the_number_of_terms():
    query = parse_query(" ".join(f"word{n}" for n in range(MAX_TERMS + 5)))

    assert len(query.groups) == MAX_TERMS
    assert query.truncated


def test_clean_query_removes_control_and_bidi_characters():
    assert clean_query("a\x00b\x07c \u202eevil\u202c\td") == "abc evil d"


def test_clean_query_keeps_joiners_that_spell_words():
    assert clean_query("می\u200cخواهم") == "می\u200cخواهم"


def test_clean_query_caps_length():
    assert len(clean_query("x" * 10_000)) == MAX_QUERY_CHARS


def test_clean_query_composes_combining_marks():
    assert clean_query("cafe\u0301") == "café"


def test_parse_query_keeps_scripts_other_than_latin():
    assert words(parse_query("مرحبا 東京 Ελλάδα")) == [["مرحبا"], ["東京"], ["ελλάδα"]]


# Everything outside a quoted string in FTS5 syntax must be an operator we wrote.
_FTS_STRING = re.compile(r'"(?:[^"]|"")*"')


@pytest.mark.parametrize(
    "raw",
    [
        'NEAR(a b) title:foo ^bar baz* {title}: "x',
        "' OR 1=1 --",
        'a"b"c -"d OR e" OR f',
        "<script>alert(1)</script>",
    ],
)
def test_fts5_expression_quotes_every_term(raw):
    expression = fts5_expression(parse_query(raw))

    outside = _FTS_STRING.sub(" ", expression)
    assert set(outside.replace("(", " ").replace(")", " ").split()) <= {
        "AND",
        "OR",
        "NOT",
    }


def test_fts5_expression_combines_groups_and_exclusions():
    expression = fts5_expression(parse_query('a OR b "c d" -e -f'))

    assert expression == '(("a" OR "b") AND "c d") NOT ("e" OR "f")'
