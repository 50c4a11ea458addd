"""Rule 5: tables with or without "|---|", ragged rows reported, captions only when written."""

import pytest

from articles.importer import parse_article, save_parsed_article
from articles.models import ArticleTable
from tests.factories import make_category

LEAD = "Ferry Figures\nThe ferries had their busiest summer.\n"
TABLE = "| Month | Total |\n|---|---|\n| June | 4 |\n"
MARKDOWN_LEAD = "# Ferry Figures\n\nBusy.\n\n"


def only_table(text: str, markdown: bool | None = None):
    article = parse_article(text, markdown=markdown)
    [table] = article.tables
    return table, article


@pytest.mark.parametrize("markdown", [False, True])
@pytest.mark.parametrize(
    ("rows", "header"),
    [
        # a column of figures under a word
        ("| Month | Passengers |\n| June | 41,000 |\n| July | 58,500 |", True),
        ("| Route | Fare |\n| North | £3.50 |\n| South | 4% |", True),
        # short labels over longer entries
        ("| Name | Role |\n| Ana Silva | Harbour master |\n| Tom Reed | Pilot |", True),
        # rows alike: no header
        ("| North route | Daily |\n| South route | Weekly |", False),
        ("| Oslo | 12 |\n| Bergen | 9 |", False),
        ("| Ana Silva | Harbour master |\n| Tom Reed | Pilot |", False),
    ],
)
def test_first_row_without_a_separator_is_a_header_when_it_reads_as_one(
    rows, header, markdown
):
    table, _ = only_table(f"{LEAD}{rows}\n", markdown=markdown)
    assert table.is_first_row_header is header


def test_separator_row_makes_the_header_whatever_it_holds():
    table, _ = only_table(f"{LEAD}| 2023 | 2024 |\n|---|---|\n| 40 | 52 |\n")
    assert table.is_first_row_header
    assert table.rows == [["2023", "2024"], ["40", "52"]]


@pytest.mark.parametrize("markdown", [False, True])
def test_ragged_rows_are_fitted_to_the_header_and_named_in_warnings(markdown):
    text = (
        f"{LEAD}| Month | Passengers |\n|---|---|\n| June | 41,000 |\n"
        "| July | 58,500 | estimate |\n| August |\n"
    )
    table, article = only_table(text, markdown=markdown)
    assert table.rows == [
        ["Month", "Passengers"],
        ["June", "41,000"],
        ["July", "58,500 | estimate"],
        ["August", ""],
    ]
    assert [w for w in article.warnings if "row" in w] == [
        "line 6: this row has 3 cells but the table has 2 columns; the extra cells "
        "were joined to the last one",
        "line 7: this row has 1 cell but the table has 2 columns; the missing cells "
        "were left empty",
    ]


def test_a_headerless_table_is_as_wide_as_most_of_its_rows():
    table, article = only_table(f"{LEAD}| a | b |\n| c | d | e |\n| f | g |\n")
    assert table.rows == [["a", "b"], ["c", "d | e"], ["f", "g"]]
    assert article.warnings[1].startswith("line 4: this row has 3 cells")


@pytest.mark.parametrize(
    ("text", "caption"),
    [
        (
            f"{LEAD}Table: Passengers by month\n{TABLE}",
            "Passengers by month",
        ),
        (
            f"{LEAD}| Month | Total |\n|---|---|\n| June | 4 |\nTable 2 – Passengers by month\n",
            "Passengers by month",
        ),
        (
            f"{LEAD}Passengers by month\n{TABLE}",
            "Passengers by month",
        ),
        (
            f"{MARKDOWN_LEAD}Passengers by month\n{TABLE}",
            "Passengers by month",
        ),
        (
            f"{MARKDOWN_LEAD}## Table 1: Passengers by month\n\n{TABLE}",
            "Passengers by month",
        ),
    ],
    ids=[
        "table-line-above",
        "table-line-below",
        "short-line-above",
        "markdown-line-above",
        "markdown-heading-above",
    ],
)
def test_caption_only_when_the_text_gives_one(text, caption):
    table, article = only_table(text)
    assert table.caption == caption
    assert not any("no caption" in warning for warning in article.warnings)
    assert caption not in article.table_of_contents


@pytest.mark.parametrize(
    "text",
    [
        f"{LEAD}| Month | Total |\n|---|---|\n| June | 4 |\n",
        # The box's text is the box's, not the table's caption.
        f"{LEAD}Did you know? Ferries ran here before the railway came\n{TABLE}",
        f"{LEAD}Did you know?\nFerries ran here before the railway came\n{TABLE}",
        # A sentence leading into the table is not its caption.
        f"{LEAD}The figures were these:\n{TABLE}",
        f"{MARKDOWN_LEAD}## Key Figures\n{TABLE}",
    ],
    ids=["nothing", "box-on-one-line", "box-on-two-lines", "sentence", "heading"],
)
def test_no_caption_is_made_up_and_its_absence_is_a_warning(text):
    table, article = only_table(text)
    assert table.caption == ""
    assert any(
        warning.endswith(
            "the table has no caption; write one in the admin, where it "
            "is required, saying what the table shows"
        )
        for warning in article.warnings
    )
    assert "Ferries ran here" not in table.caption


@pytest.mark.parametrize(
    "heading",
    ["## Key Figures", "Key Figures\n-----------", "### Key Figures"],
)
def test_markdown_heading_right_over_a_table_keeps_it_in_its_section(heading):
    text = f"{MARKDOWN_LEAD}{heading}\n{TABLE}"
    article = parse_article(text)
    [section] = [s for s in article.sections if s.heading == "Key Figures"]
    assert len(section.tables) == 1
    assert all(s.body or s.tables or s.kind == "faq" for s in article.sections)


@pytest.mark.django_db
def test_a_table_without_caption_is_saved_for_the_editor_to_caption():
    parsed = parse_article(f"{LEAD}| Month | Total |\n|---|---|\n| June | 4 |\n")
    save_parsed_article(parsed, category=make_category())
    table = ArticleTable.objects.get()
    assert (table.caption, table.rows) == ("", [["Month", "Total"], ["June", "4"]])
    assert table.section.article_id == table.article_id
