"""Tables as editors paste and edit them: what goes in comes back out."""

import pytest

from articles.tabular import parse_table_text, rows_to_text, split_pipe_row


@pytest.mark.parametrize(
    "rows",
    [
        [["Name", "Score"], ["Alice", "3"], ["-", "-"]],
        [["---", ":--:"], ["a", "b"]],
        [["a|b", "c\\"], ["\\|", "x\\\\y"], ["", "end"]],
        [["Only one row", "here"]],
        [["Ελλάδα", "עברית"], ["😀", "„quoted“"]],
    ],
)
def test_editing_a_table_as_text_gives_back_the_same_rows(rows):
    assert parse_table_text(rows_to_text(rows)) == rows
    # Saving twice changes nothing either.
    assert parse_table_text(rows_to_text(parse_table_text(rows_to_text(rows)))) == rows


def test_spreadsheet_paste_is_split_on_tabs_and_padded():
    pasted = "Name\tRole\tSince\r\nAda\tEngineer\r\nGrace\tAdmiral\t1943\r\n"
    assert parse_table_text(pasted) == [
        ["Name", "Role", "Since"],
        ["Ada", "Engineer", ""],
        ["Grace", "Admiral", "1943"],
    ]


def test_csv_cells_with_line_breaks_become_one_line():
    assert parse_table_text('a,"b\nc"\n1,2') == [["a", "b c"], ["1", "2"]]


def test_markdown_separator_is_dropped_only_under_the_headings():
    text = "| h1 | h2 |\n|---|:--:|\n| a | b |\n|---|---|"
    assert parse_table_text(text) == [["h1", "h2"], ["a", "b"], ["---", "---"]]


def test_unreadable_csv_is_reported_not_raised_as_a_crash():
    with pytest.raises(ValueError, match="could not be read as a table"):
        parse_table_text('"' + "x" * 200_000)


def test_pipe_rows_with_escapes():
    assert split_pipe_row(r"| a \| b | c \\ | d |") == ["a | b", "c \\", "d"]


def test_long_runs_of_spaces_are_read_in_linear_time():
    # A quadratic separator check took seconds on such a paste; this would hang.
    spaces = " " * 200_000
    text = f"|{spaces}x|\n|{spaces}y|\n|{spaces}-|"
    assert parse_table_text(text) == [["x"], ["y"], ["-"]]
