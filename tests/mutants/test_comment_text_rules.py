"""Reader text (comments/text.py): what cleaning keeps and drops, and the exact HTML shown.

Written for the mutants that survived ``make mutants`` (docs/mutants.md).
"""

import pytest

from comments.text import clean_body, count_links, render_body

LINK = '<a href="{href}" rel="nofollow ugc noopener" class="comment-link">{text}</a>'


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("One\r\nTwo", "One\nTwo"),  # Windows line ends
        ("One\rTwo", "One\nTwo"),  # old Mac line ends
        ("One\n\n\n\n\nTwo", "One\n\nTwo"),  # blank lines collapse to one
        ("\n\nXenon X\n\n", "Xenon X"),  # only line breaks trimmed at the ends
        ("  A poem,  \n    indented.\t ", "  A poem,\n    indented."),
    ],
    ids=["crlf", "cr", "blank-lines", "ends", "indentation"],
)
def test_line_ends_and_spacing_are_normalised(raw, stored):
    assert clean_body(raw) == stored


@pytest.mark.parametrize(
    "invisible",
    ["\ud800", "\udfff", "\ue000", "\U000f0000"],
    ids=["surrogate", "low-surrogate", "private-use", "private-use-plane-15"],
)
def test_unencodable_and_private_characters_are_removed(invisible):
    assert clean_body(f"Hello{invisible} there") == "Hello there"


def test_a_link_is_shown_with_its_punctuation_outside():
    assert str(render_body("See www.news.example/a.")) == (
        "<p>See "
        + LINK.format(href="https://www.news.example/a", text="www.news.example/a")
        + ".</p>"
    )


def test_every_address_in_a_line_is_linked_once():
    assert str(render_body("Try (www.) or https://b.example and www.c.example!")) == (
        "<p>Try (www.) or "
        + LINK.format(href="https://b.example", text="https://b.example")
        + " and "
        + LINK.format(href="https://www.c.example", text="www.c.example")
        + "!</p>"
    )


def test_paragraphs_and_line_breaks_are_kept():
    assert str(render_body("First line\nsecond line\n\nNew paragraph")) == (
        "<p>First line<br>second line</p><p>New paragraph</p>"
    )


@pytest.mark.parametrize(
    "text",
    ["https://.", "http://..", "see https:// now", "www..", "https://./", "www./"],
)
def test_an_address_with_no_host_is_neither_a_link_nor_counted(text):
    assert "<a " not in render_body(text)
    assert count_links(text) == 0


def test_links_are_counted_on_every_line():
    assert (
        count_links("https://one.example\nwww.two.example and https://three.example.")
        == 3
    )


def test_a_name_after_www_is_linked_however_short():
    assert str(render_body("www.x and www.X")) == (
        "<p>"
        + LINK.format(href="https://www.x", text="www.x")
        + " and "
        + LINK.format(href="https://www.X", text="www.X")
        + "</p>"
    )


def test_an_address_that_carries_another_is_one_link():
    address = "https://news.example/share?next=https://"
    assert str(render_body(address)) == (
        "<p>" + LINK.format(href=address, text=address) + "</p>"
    )
    assert count_links(address) == 1
