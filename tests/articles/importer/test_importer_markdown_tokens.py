"""The Markdown path reads the parser's tokens: markup renders as the writer wrote it."""

import pytest

from articles.importer import parse_article
from articles.markup import render_markdown

PARAGRAPHS = [
    "A [link](https://example.com/a) and *em* and **strong** and `code`.",
    'A [titled](https://x.example/p?q=1&r=2 "The \\"title\\"") link.',
    "An autolink <https://example.com/path> and <mail@example.com>.",
    "Entities &amp; &copy; &#169;, a made-up &foo; and & alone.",
    "Escapes \\*not em\\* \\_x\\_ \\[not a link\\](y) \\`no code\\`.",
    "Stars 5 * 3 = 15, a*b*c, snake_case_name and __init__.",
    "Brackets [sic], [a] and [b](c d), and ![an image](x.png).",
    "Code with a backtick `` a`b `` and `  spaced  `.",
    "A [link](https://en.wikipedia.org/wiki/Foo_(bar)) with brackets in it.",
    "Emphasis *running over\ntwo lines* of a paragraph.",
    "A hard\\\nbreak.",
    "<b>Tags</b> are text.",
    "Nested **bold *and em* inside** it.",
    "A [reference link][r] and [r].\n\n[r]: https://ref.example/x",
    "A line\n2. that is not a list item",
]

BLOCKS = [
    "- an item with a [link](https://x.example) and *em*\n- a second with `code`",
    "3. three\n4. four\n   - nested *a*\n   - nested b\n5. five",
    "- loose one\n\n- loose two\n\n  with more",
    "> a quotation with **bold**\n> and a [link](https://q.example)\n>\n> more",
    "> - a list in a quotation\n> - two",
    "1) a list numbered with brackets\n2) two",
]


@pytest.mark.parametrize("paragraph", PARAGRAPHS)
def test_a_paragraph_renders_as_written(paragraph):
    article = parse_article(f"# Title\n\n{paragraph}\n")
    body = "\n\n".join(section.body for section in article.sections)
    assert render_markdown(body) == render_markdown(paragraph)


@pytest.mark.parametrize("block", BLOCKS)
def test_lists_and_quotations_render_as_written(block):
    article = parse_article(f"# Title\n\nIntro.\n\n{block}\n")
    body = "\n\n".join(section.body for section in article.sections)
    assert render_markdown(body) == render_markdown(f"Intro.\n\n{block}")


def test_reference_links_are_written_out_in_full():
    article = parse_article(
        "# Title\n\nSee [the report][r].\n\n[r]: https://r.example\n"
    )
    assert article.sections[0].body == "See [the report](https://r.example)."


def test_labels_show_link_addresses_and_no_markup():
    article = parse_article(
        "# The *Harbour* News\n\n## See [the report](https://r.example)\n\nText.\n"
    )
    assert article.title == "The Harbour News"
    assert article.table_of_contents == ["See the report (https://r.example)"]


def test_a_table_ends_at_the_first_line_without_a_bar():
    text = "# Title\n\n| Year | Visitors |\n|---|---|\n| 1990 | *12,000* |\nSource: Library\n"
    [table] = parse_article(text).tables
    assert table.rows == [["Year", "Visitors"], ["1990", "12,000"]]
    assert table.source_note == "Library"


def test_text_too_costly_to_read_is_kept_as_written_and_the_rest_still_read():
    hostile = "[" * 60_000
    article = parse_article(f"# Title\n\n{hostile}\n\n## A [link](https://l.example)\n")
    assert article.sections[0].body == hostile
    assert article.table_of_contents == ["A link (https://l.example)"]
