"""Rule 4: headings found by their shape without a contents list, and by close wording with one."""

import pytest

from articles.importer import parse_article, save_parsed_article
from articles.markup import markdown_to_text
from articles.models import Section
from tests.factories import make_category

COASTAL_PATH = """Coastal Path Reopens After Landslip Repairs
Walkers can use the full length of the coastal path again after repairs.
The council said the work had cost less than expected.
What Was Done
Engineers drove steel piles into the cliff and rebuilt the path further inland.
The old fence posts were reused where possible.
Safety Advice
Walkers are asked to keep to the marked path.
- Keep dogs on leads.
- Stay away from the edge.
"""

MARKET = """Farmers' Market Moves to the Square
SALTON – The weekly farmers' market will move to the town square in May.
Why It Is Moving
Traders said the old car park was too small for the number of stalls.
More Room for Stalls
The square has space for sixty stalls, twice as many as now.
"""

# Markdown without "#" headings: a line on its own reads as one too.
MARKDOWN_UNMARKED = """# Rowing Club Celebrates Its Centenary

The rowing club marked one hundred years on the river with a regatta.

**A Century on the River**

The club was founded by workers from the boatyard in 1925.

The Regatta

Forty crews raced on Saturday, watched from both banks.
"""

# Markdown written like wire copy, one paragraph per line.
MARKDOWN_WIRE = """# Tram Depot to Become Housing
The old tram depot will be turned into two hundred flats.
Work starts in the spring.
What Stays
The brick facade and the clock tower will be kept.
- The clock will work again.
- The tracks stay in the courtyard.
What Goes
The workshops at the back will be pulled down.
"""


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        (COASTAL_PATH, ["What Was Done", "Safety Advice"]),
        (MARKET, ["Why It Is Moving", "More Room for Stalls"]),
        (MARKDOWN_UNMARKED, ["A Century on the River", "The Regatta"]),
        (MARKDOWN_WIRE, ["What Stays", "What Goes"]),
    ],
    ids=["plain", "plain-dateline", "markdown", "markdown-wire"],
)
def test_short_lines_without_closing_punctuation_over_text_are_headings(text, headings):
    article = parse_article(text)
    assert article.table_of_contents == headings
    assert article.sections[0].heading == ""
    assert all(section.body for section in article.sections)


@pytest.mark.parametrize(
    "line",
    [
        "The council said it would decide in June",  # then nothing: the end
        "Ships handled each year",  # right above a table: its caption
        "Reporting by Ana Silva",
        "Photo: Harbour Board",
        "and then the rain came",  # a sentence running on
    ],
)
def test_lines_that_only_look_like_headings_are_not_made_sections(line):
    text = (
        "Harbour Report\nThe harbour had a busy year.\n"
        f"{line}\n| Year | Ships |\n|---|---|\n| 2024 | 410 |\n"
        if line.startswith("Ships")
        else f"Harbour Report\nThe harbour had a busy year.\n{line}\n"
    )
    article = parse_article(text)
    assert article.table_of_contents == []


def test_an_answer_under_an_faq_question_is_not_a_heading():
    text = (
        "Bins Report\nThe council changed the bin rules.\nFAQ\n"
        "When are bins collected?\nEvery other Monday\nWhat goes in the blue bin?\n"
        "Paper and card.\n"
    )
    article = parse_article(text)
    assert article.table_of_contents == ["FAQ"]
    assert [item.answer for item in article.faq_items] == [
        "Every other Monday",
        "Paper and card.",
    ]


CLOSE_WORDING = """School Meals to Be Free for All Primary Pupils
Table of Contents
- 1. School Meals to Be Free for All Primary Pupils
- 2. How the Plan Works
- 3. The Cost to the Council
- 4. Parents React
- 5. US Schools Tried It First
LEEDS, 3 March – Every primary pupil in the city will get a free lunch.
How The Plan Will Work
Schools will order meals through the existing catering contract.
The Cost to the Council
The scheme will cost about four million pounds a year.
Parents' Reactions
Parents at the school gates were mostly pleased.
U.S. schools tried it first
Several American cities have offered free meals for years.
"""


def test_contents_entries_match_headings_worded_a_little_differently():
    article = parse_article(CLOSE_WORDING)
    assert article.table_of_contents == [
        "How The Plan Will Work",
        "The Cost to the Council",
        "Parents' Reactions",
        "U.S. schools tried it first",
    ]
    assert article.warnings == [
        "line 9: the heading “How The Plan Will Work” was taken for the contents "
        "entry “How the Plan Works” (line 4); the wording differs",
        "line 13: the heading “Parents' Reactions” was taken for the contents entry "
        "“Parents React” (line 6); the wording differs",
        "line 15: the heading “U.S. schools tried it first” was taken for the "
        "contents entry “US Schools Tried It First” (line 7); the wording differs",
    ]


def test_exactly_matched_contents_give_no_warning_and_unrelated_lines_stay_text():
    text = (
        "Road Closed for Repairs\nContents\n- The Works\n- Diversions\n"
        "The road will close for a week.\nThe Works\nCrews will resurface it.\n"
        "Diversions\nBuses will use Mill Lane.\nA Different Matter Entirely\n"
        "Parking is free on Sundays.\n"
    )
    article = parse_article(text)
    assert article.table_of_contents == ["The Works", "Diversions"]
    assert article.warnings == []
    assert "A Different Matter Entirely" in markdown_to_text(article.sections[-1].body)


@pytest.mark.django_db
def test_headings_found_by_shape_are_saved_as_sections():
    save_parsed_article(parse_article(COASTAL_PATH), category=make_category())
    assert list(Section.objects.values_list("heading", "anchor")) == [
        ("", ""),
        ("What Was Done", "what-was-done"),
        ("Safety Advice", "safety-advice"),
    ]
