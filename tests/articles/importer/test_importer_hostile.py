"""Crafted input up to the 2 MB file limit: the importer gets through it in linear time.

Each parse runs in a child process with a deadline far above what linear work
needs (well under a second here), and far below what the quadratic
backtracking these inputs used to cause would take (minutes to hours).
"""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.importer import (
    MAX_FILE_BYTES,
    MAX_LINES,
    ArticleParseError,
    parse_article,
)
from articles.importer.outline import MAX_TOC_ENTRIES
from articles.importer.text import heading_key, markdown_heading, plain_inline
from tests.articles.importer.importing import flat, visible_text, within

DEADLINE = 10.0


def filled(head: str, unit: str, tail: str = "") -> str:
    """``head``, then ``unit`` repeated, then ``tail``: as close to the file limit as fits."""
    room = MAX_FILE_BYTES - len(head.encode()) - len(tail.encode())
    return head + unit * (room // len(unit.encode())) + tail


def brackets(n: int) -> str:
    return "[" * n + "](" * n


@pytest.mark.parametrize("markdown", [False, True])
@pytest.mark.parametrize(
    "n",
    [10_000, 50_000, pytest.param((MAX_FILE_BYTES - 20) // 3, marks=pytest.mark.slow)],
)
def test_link_brackets_that_never_close(n, markdown):
    article = within(
        DEADLINE, parse_article, "Brackets\n" + brackets(n), markdown=markdown
    )
    body = article.sections[0].body
    assert body.count("[") == n and body.count("(") == n  # nothing dropped


@pytest.mark.parametrize("markdown", [False, True])
@pytest.mark.parametrize(
    "line",
    [
        # every link opens and none closes
        pytest.param(filled("", "[a]("), marks=pytest.mark.slow),
        filled("", "[", "a"),  # a label that never ends
        filled("", "[a](b", ")"),  # one long link
    ],
    ids=["open-addresses", "open-labels", "one-long-link"],
)
def test_links_scan_in_linear_time(line, markdown):
    article = within(DEADLINE, parse_article, "Links\n" + line, markdown=markdown)
    assert article.sections[0].body.count("[") == line.count("[")


def test_one_long_link_is_kept_as_label_and_address():
    line = filled("[a](b", "c", ")")
    assert within(DEADLINE, plain_inline, line) == f"a ({line[4:-1]})"


@pytest.mark.parametrize(
    "text",
    [
        filled("Spaces\na", " ", "b"),  # the first lines are checked for "Contents"
        filled("a", " ", "b\nText."),  # so is the title line
        filled("Spaces\na", " ", "-b"),
        filled("Spaces\na", " ", "&b"),
        filled("Spaces\na", " ", "##b"),
    ],
    ids=["spaces", "title", "dash", "ampersand", "hashes"],
)
def test_long_runs_of_spaces(text):
    article = within(DEADLINE, parse_article, text)
    assert len(flat(f"{article.title} {article.sections[0].body}")) < 20


def test_heading_key_with_long_runs_of_spaces():
    key = within(DEADLINE, heading_key, filled("## Prices", " ", "– Wages &  Rents ##"))
    assert key == "prices-wages and rents"


def test_long_runs_of_spaces_inside_a_markdown_heading():
    article = within(DEADLINE, parse_article, filled("# a", " ", "b\n\nText."))
    assert article.title == "a b"
    assert within(DEADLINE, markdown_heading, filled("## a", " ", "b ##")) == (
        2,
        "a b",
    )


@pytest.mark.parametrize(
    "text",
    [
        filled("Table\na | b\n|-", " ", "x"),
        filled("Table\na | b\n|-", " ", ":"),
        filled("Table\n| a |\n| - ", " ", "- x |"),
    ],
    ids=["then-text", "then-colon", "in-a-pipe-row"],
)
def test_separator_rows_with_long_runs_of_spaces(text):
    article = within(DEADLINE, parse_article, text)
    assert article.tables == []  # no separator row: kept as text


@pytest.mark.parametrize("unit", ["- ", "* ", "| - ", " &", "?)", "`", "Q: ", "> "])
def test_repeated_markup(unit):
    try:
        within(DEADLINE, parse_article, filled("Title\n", unit))
    except ArticleParseError as error:
        # A divider made of nothing but dashes or stars leaves no text.
        assert str(error) == "there is no article text after the title"


@pytest.mark.slow
def test_contents_entries_repeated_on_thousands_of_lines():
    # Every line names a listed heading: matching them must not cost lines × entries.
    text = "Repeats\nTable of Contents\n" + "- Again\n" * MAX_TOC_ENTRIES
    text += "Again\nText.\n" * ((MAX_LINES - MAX_TOC_ENTRIES - 2) // 2)
    article = within(DEADLINE, parse_article, text)
    assert article.table_of_contents == ["Again"] * MAX_TOC_ENTRIES


def test_contents_list_longer_than_the_limit_stays_a_list():
    entries = MAX_TOC_ENTRIES + 1
    text = "Index\nTable of Contents\n" + "".join(
        f"- Part {n}\n" for n in range(1, entries + 1)
    )
    text += "".join(f"Part {n}\nText {n}.\n" for n in range(1, entries + 1))
    article = within(DEADLINE, parse_article, text)
    # The list stays a list in the text; the lines under it read as headings.
    assert article.sections[0].body.count("- Part") == entries
    assert article.warnings == [
        f"line 2: the table of contents lists {entries} headings (at most "
        f"{MAX_TOC_ENTRIES}); it was kept as a list"
    ]
    assert flat(visible_text(article)).count("Part") == 2 * entries  # nothing dropped


def test_the_import_command_reads_and_parses_a_hostile_file_in_time(tmp_path):
    path = tmp_path / "brackets.md"
    path.write_text("Brackets\n\n" + brackets((MAX_FILE_BYTES - 20) // 3))
    out = io.StringIO()
    within(DEADLINE, call_command, "import_article", str(path), "--dry-run", stdout=out)


# -- more lines than any article has --------------------------------------------


@pytest.mark.parametrize("markdown", [False, True])
def test_more_lines_than_an_article_has_is_refused_in_one_line(markdown):
    text = "Words\n" + "word\n" * MAX_LINES
    with pytest.raises(ArticleParseError) as refused:
        within(DEADLINE, parse_article, text, markdown=markdown)
    assert str(refused.value) == (
        f"the text has {MAX_LINES + 1:,} lines; an article has at most {MAX_LINES:,}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("markdown", [False, True])
def test_the_longest_article_allowed_is_read_in_time(markdown):
    words = ["harbour", "Harbour:", "Who?", "- item", "| a | b |", "Quay Street"]
    lines = [words[n % len(words)] for n in range(MAX_LINES - 1)]
    article = within(
        DEADLINE, parse_article, "Words\n" + "\n".join(lines), markdown=markdown
    )
    assert article.title == "Words"


@pytest.mark.slow
def test_a_two_megabyte_file_of_one_word_lines_fails_fast_in_one_line(tmp_path):
    # It used to take half a minute to read; now the line count stops it.
    path = tmp_path / "words.md"
    path.write_text(filled("Words\n", "word\n"), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        within(DEADLINE, call_command, "import_article", str(path), "--dry-run")
    assert str(refused.value).startswith(f"{path}: the text has ")
    assert "\n" not in str(refused.value)
