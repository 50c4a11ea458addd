"""The importer's parser on other plain-text articles in the sample's style."""

from articles.importer import parse_article
from tests.articles.importer.importing import section

# -- other articles in the same style ---------------------------------------

NO_CONTENTS = """Harbour Board Approves New Ferry Timetable
KYIV — The harbour board on Tuesday approved a timetable that adds two evening crossings.
The change follows months of complaints from commuters.
Did you know? The first ferry on this route sailed in 1894.
| Route | Departs | Arrives |
|:---|:---:|---:|
| North Pier | 06:10 | 06:55 |
| Isle | 07:05 | 07:50 |
Source: Harbour Board timetable
Officials said more changes could follow.
Frequently asked questions
- When does it start? From 1 March, weather permitting. Is that firm? Mostly.
- Will fares rise? “Not this year,” the board said — but “next year?” is open.
- Is the “night boat” coming back? Yes: on Fridays only.
Share your thoughts: Would you use a later ferry?
"""


def test_plain_text_without_contents_keeps_one_flow():
    article = parse_article(NO_CONTENTS)
    assert article.dateline == "KYIV"
    kinds = [(s.heading, s.kind) for s in article.sections]
    assert kinds == [
        ("", "text"),
        ("Did you know?", "callout"),
        ("", "text"),  # the table
        ("", "text"),  # "Officials said…"
        ("Frequently asked questions", "faq"),
    ]
    assert article.sections[0].body == (
        "The harbour board on Tuesday approved a timetable that adds two evening "
        "crossings.\n\nThe change follows months of complaints from commuters."
    )
    assert article.sections[3].body == "Officials said more changes could follow."
    assert article.table_of_contents == ["Frequently asked questions"]


def test_three_column_table_with_source_note():
    [table] = parse_article(NO_CONTENTS).tables
    assert table.rows[0] == ["Route", "Departs", "Arrives"]
    assert len(table.rows) == 3 and all(len(row) == 3 for row in table.rows)
    assert table.caption == ""  # none written: the editor gives it one
    assert table.source_note == "Harbour Board timetable"


def test_faq_answers_keep_punctuation_and_quotes():
    items = parse_article(NO_CONTENTS).faq_items
    assert [(i.question, i.answer) for i in items] == [
        (
            "When does it start?",
            "From 1 March, weather permitting. Is that firm? Mostly.",
        ),
        (
            "Will fares rise?",
            "“Not this year,” the board said — but “next year?” is open.",
        ),
        ("Is the “night boat” coming back?", "Yes: on Fridays only."),
    ]
    assert parse_article(NO_CONTENTS).comment_prompt == (
        "Share your thoughts: Would you use a later ferry?"
    )


CONTENTS_VARIANTS = """Council Votes on Parking Rules
Table of Contents
- 1. Council Votes on Parking Rules
- 2. The Vote
- 3. What’s Next – and When
- 4. A Heading Nobody Wrote
- 5. Reaction
- 6. Reaction
The President – who spoke first – urged caution.
THE VOTE
- Nine in favour
- Two against
What's next -  and   when
Rules take effect in May.
Reaction
Shops welcomed it.
Reaction
Residents did not.
"""


def test_contents_headings_match_despite_case_quotes_dashes_and_spaces():
    article = parse_article(CONTENTS_VARIANTS)
    # Headings are shown as the body wrote them.
    assert article.table_of_contents == [
        "THE VOTE",
        "What's next - and when",
        "Reaction",
        "Reaction",
    ]
    assert article.warnings == [
        "line 6: “A Heading Nobody Wrote” is listed in the table of contents but no "
        "line of the text matches it"
    ]


def test_list_right_after_a_heading_and_repeated_headings():
    article = parse_article(CONTENTS_VARIANTS)
    assert section(article, "THE VOTE").body == "- Nine in favour\n- Two against"
    reactions = [s.body for s in article.sections if s.heading == "Reaction"]
    assert reactions == ["Shops welcomed it.", "Residents did not."]


def test_ordinary_sentence_is_not_a_dateline():
    article = parse_article(CONTENTS_VARIANTS)
    assert article.dateline == ""
    assert article.sections[0].body.startswith("The President – who spoke first")


def test_a_stray_line_repeating_a_later_heading_does_not_swallow_the_others():
    text = (
        "Title\nTable of Contents\n- 1. Title\n- 2. Background\n- 3. Outlook\n"
        "Outlook\nAn opening line that happens to match.\n"
        "Background\nHistory here.\nOutlook\nFuture here.\n"
    )
    article = parse_article(text)
    assert article.table_of_contents == ["Background", "Outlook"]
    assert (
        article.sections[0].body == "Outlook\n\nAn opening line that happens to match."
    )


def test_unnumbered_contents_followed_by_a_list():
    text = (
        "Budget Day\nContents\n- Spending\n- Taxes\n- Three things to watch\n"
        "- Pensions\nSpending\nUp by 2%.\nTaxes\nUnchanged.\n"
    )
    article = parse_article(text)
    assert article.table_of_contents == ["Spending", "Taxes"]
    lead = article.sections[0]
    assert lead.heading == "" and lead.body == "- Three things to watch\n- Pensions"


def test_separator_row_without_its_closing_pipe():
    text = "Visitors\n| Year | Visitors |\n|---|---\n| 1990 | 12,000 |\nAfter.\n"
    article = parse_article(text)
    [table] = article.tables
    assert table.is_first_row_header
    assert table.rows == [["Year", "Visitors"], ["1990", "12,000"]]
    assert article.sections[-1].body == "After."
