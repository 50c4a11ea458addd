"""Section Markdown (articles/markup.py): what the sanitiser allows, and text taken back out.

The parser already refuses raw HTML; the sanitiser's allow-lists are the
second line of defence, so some tests here hand it HTML the way a parser
with raw HTML switched on would. Written for the mutants that survived
``make mutants`` (docs/mutants.md).
"""

import pytest
from markdown_it import MarkdownIt

from articles import markup
from articles.markup import (
    escape_markdown,
    html_to_text,
    markdown_to_text,
    render_markdown,
)


@pytest.fixture
def raw_html_parser(monkeypatch):
    """A parser that passes raw HTML through, as a configuration slip would."""
    monkeypatch.setattr(markup, "_parser", MarkdownIt("commonmark", {"html": True}))


def test_a_blank_section_renders_nothing():
    assert render_markdown(" \n\t\n") == ""


@pytest.mark.parametrize(
    ("raw", "published"),
    [
        ("<h1>Shouting</h1>", "Shouting"),
        ('<p><img src="https://tracker.example/pixel.gif"> Hello</p>', "<p> Hello</p>"),
        ("<p>Cells</p><table><tr><td>1</td></tr></table>", "<p>Cells</p>1"),
        ("<p><script>alert(1)</script>Safe</p>", "<p>Safe</p>"),
    ],
    ids=["heading", "image", "table", "script"],
)
def test_the_sanitiser_removes_tags_outside_the_dialect(
    raw_html_parser, raw, published
):
    assert render_markdown(raw) == published


def test_the_sanitiser_removes_attributes_outside_the_dialect(raw_html_parser):
    raw = (
        '<p class="x" style="color:red" id="top">Bonjour</p>'
        '<blockquote cite="https://elsewhere.example">Quoted</blockquote>'
        '<p><a href="https://news.example/" hreflang="de" title="Home">Home</a></p>'
    )
    assert render_markdown(raw) == (
        "<p>Bonjour</p><blockquote>Quoted</blockquote>"
        '<p><a href="https://news.example/" title="Home" rel="noopener">Home</a></p>'
    )


@pytest.mark.parametrize(
    "address", ["ftp://files.example/a", "ssh://host.example", "tel:+4412345", "sms:1"]
)
def test_links_only_lead_to_web_pages_and_email(address):
    assert render_markdown(f"[Go]({address})") == '<p><a rel="noopener">Go</a></p>'


def test_web_and_email_links_are_kept():
    assert render_markdown(
        "[Web](https://news.example/) [Mail](mailto:desk@news.example)"
    ) == (
        '<p><a href="https://news.example/" rel="noopener">Web</a> '
        '<a href="mailto:desk@news.example" rel="noopener">Mail</a></p>'
    )


def test_plain_text_keeps_paragraphs_and_list_items_apart():
    assert markdown_to_text("One.\n\nTwo.\n\n- three\n- four") == (
        "One.\n\nTwo.\n\nthree\n\nfour"
    )


def test_plain_text_of_html_has_no_markup_entities_or_runs_of_spaces():
    fragment = (
        "<p>Fish &amp; chips,  <em>twice</em>\tdaily</p>\n\n\n"
        "<ul><li>one</li><li>two<br>lines</li></ul><blockquote>Quoted</blockquote>"
    )
    assert html_to_text(fragment) == (
        "Fish & chips, twice daily\n\none\n\ntwo\n\nlines\n\nQuoted"
    )
    assert html_to_text("  <p>Alone</p>  ") == "Alone"


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("12. Not a list item", "12\\. Not a list item"),
        ("2024) was a year", "2024\\) was a year"),
        ("7. Seven", "7\\. Seven"),
    ],
)
def test_numbers_that_open_a_line_are_escaped_without_losing_digits(line, escaped):
    assert escape_markdown(line) == escaped
    assert render_markdown(escaped) == f"<p>{line}</p>"
