"""The importer's text rules (articles/importer/text.py): lines, slugs, links, headings.

Links are scanned by hand so that a line of brackets cannot make the import
take minutes; a long line of them is read with a deadline. Written for the
mutants that survived ``make mutants`` (docs/mutants.md).
"""

import re

import pytest

from articles.importer.text import (
    heading_key,
    heading_text,
    is_faq_title,
    is_rule,
    is_setext_underline,
    link_as_text,
    markdown_heading,
    plain_inline,
    replace_links,
    slug_for_title,
    split_lines,
)
from tests.articles.importer.importing import within

DEADLINE = 2.0


def test_every_line_ending_starts_a_new_line_and_tabs_become_spaces():
    assert split_lines("one\r\ntwo\rthree\nfour\tend") == [
        "one",
        "two",
        "three",
        "four    end",
    ]


def test_long_titles_make_slugs_of_at_most_200_characters():
    assert slug_for_title("a" * 250) == "a" * 200
    assert slug_for_title("Harbour plan delayed", max_length=8) == "harbour"


def test_titles_without_latin_letters_get_stable_distinct_slugs():
    first, second = slug_for_title("Καλημέρα"), slug_for_title("Καληνύχτα")
    assert re.fullmatch(r"article-[0-9a-f]{10}", first)
    assert first != second
    assert slug_for_title("Καλημέρα") == first


def _marked(text: str) -> str:
    """Each link found, as <label|address>."""
    return replace_links(text, lambda label, href: f"<{label}|{href}>")


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("[a](b)", "<a|b>"),
        (
            "See [the plan](https://x.example/plan) now.",
            "See <the plan|https://x.example/plan> now.",
        ),
        ("[a](1) and [b](2) and [c](3)", "<a|1> and <b|2> and <c|3>"),
        ("x [a](b)y", "x <a|b>y"),
        ("[a]() b", "<a|> b"),
        ("[x] [a](b) [c](d)", "[x] <a|b> <c|d>"),
        ("[1][a](b)", "[1]<a|b>"),
        ("[][a](b)", "[]<a|b>"),
        ("[a](b) [c](d e) [f](g)", "<a|b> [c](d e) <f|g>"),
        ("[the plan x](u)", "<the plan x|u>"),
        # An address ends at a space; a link may open inside what failed.
        ("[a](b[c ](d)", "[a](b<c |d>"),
    ],
)
def test_links_are_found_exactly(text, links):
    assert _marked(text) == links


@pytest.mark.parametrize(
    "text",
    [
        "[not a link] (x)",
        "[](empty-label)",
        "[](x)",
        "[no address]",
        "[a](address with spaces)",
        "[a](never closed",
        "[a](nevercloses",
        "no brackets at all",
    ],
)
def test_what_is_not_a_link_is_left_as_written(text):
    assert _marked(text) == text


def test_a_line_of_opening_brackets_is_read_in_linear_time():
    assert plain_inline("[[[") == "[[["
    line = "[" * 1_000_000
    assert within(DEADLINE, plain_inline, line) == line


@pytest.mark.parametrize(
    ("label", "href", "shown"),
    [
        ("Reaction", "https://x.example", "Reaction (https://x.example)"),
        ("Jump", "#reaction", "Jump"),
        ("Nothing", "", "Nothing"),
    ],
)
def test_a_link_shown_as_text_keeps_its_address_unless_local(label, href, shown):
    assert link_as_text(label, href) == shown


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Reaction:", "reaction"),
        ("Xmas plans:", "xmas plans"),
        ("1. Reaction:", "reaction"),
        ("“Quoted” words", "quoted words"),
        ("Q&A", "q and a"),
        ("Pre–war plans", "pre-war plans"),
        ("Xmas—plans.", "xmas-plans"),
        ("## Contents ##", "contents"),
    ],
)
def test_two_spellings_of_one_heading_share_a_key(heading, key):
    assert heading_key(heading) == key


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("## Reaction ##", (2, "Reaction")),
        ("## Reaction ##   ", (2, "Reaction")),
        ("### Learning C#", (3, "Learning C#")),
        ("## Malcolm X", (2, "Malcolm X")),
        ("## **", None),
    ],
)
def test_markdown_headings_lose_only_their_closing_hashes(line, heading):
    assert markdown_heading(line) == heading


def test_a_heading_line_is_shown_without_its_marks():
    assert heading_text("## Reaction ##") == "Reaction"
    assert heading_text("**Reaction**") == "Reaction"


def test_dividers_and_underlines_are_recognised():
    assert is_rule("* * *") and is_rule("---") and not is_rule("- item")
    assert is_setext_underline("====") and not is_setext_underline("= x")


def test_faq_titles_may_go_on_after_the_usual_words():
    assert is_faq_title("Frequently asked questions about the harbour")
    assert not is_faq_title("Questions we could not answer")
