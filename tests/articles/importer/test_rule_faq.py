"""Rule 3: FAQs as "- Question? Answer.", as question and answer lines, or as "### Question?" headings."""

import pytest

from articles.importer import parse_article, save_parsed_article
from articles.markup import markdown_to_text
from articles.models import FaqItem
from tests.factories import make_category

DASHES = """Water Meters for Every Home
BRAMLEY – Every home in the district will get a water meter by 2026.
Frequently Asked Questions
- Who pays for the meter? The water company, not the household.
- Is the “Why pay twice?” campaign right? No, the council says bills will not double.
- What did residents ask? Most asked “when?” and “how much?” at the meetings.
- When, and in which streets, does fitting start? In March, in the north of the town.
"""

QUESTION_LINES = """Library Extends Opening Hours
BRAMLEY – The town library will open until eight on weekdays.
FAQ
Why are the hours changing?
A survey found that most readers could not visit during working hours.
Most of them work in the city.
Will weekend hours change too?
No. Saturday opening stays the same.
Who asked “why not later?” at the meeting?
A group of students, who also asked for more study desks.
"""

MARKDOWN_HEADINGS = """# City Opens Applications for Allotments

Residents can apply for one of forty new plots from Monday.

## Frequently asked questions

### Who can apply?

Anyone who has lived in the city for at least a year.

### How much does a plot cost, and what does the fee cover?

Thirty pounds a year. It covers water, a shed and the "Grow Your Own?" course.

### Is there a waiting list?

Yes.

If more people apply than there are plots, names go into a draw.

## How to Apply

Forms are at the library.
"""

MARKDOWN_QUESTION_LINES = """# Bins Collected Fortnightly From June

The council will collect household rubbish every other week.

## FAQ

**What about recycling?**
Recycling is still collected every week.

Will the bins be bigger?
Yes: every home gets a larger bin.
"""


def questions_and_answers(text: str) -> list[tuple[str, str]]:
    return [
        (item.question, markdown_to_text(item.answer))
        for item in parse_article(text).faq_items
    ]


def test_dash_questions_with_their_answers_on_the_same_line():
    assert questions_and_answers(DASHES) == [
        ("Who pays for the meter?", "The water company, not the household."),
        (
            "Is the “Why pay twice?” campaign right?",
            "No, the council says bills will not double.",
        ),
        (
            "What did residents ask?",
            "Most asked “when?” and “how much?” at the meetings.",
        ),
        (
            "When, and in which streets, does fitting start?",
            "In March, in the north of the town.",
        ),
    ]


def test_question_lines_followed_by_answer_lines():
    assert questions_and_answers(QUESTION_LINES) == [
        (
            "Why are the hours changing?",
            "A survey found that most readers could not visit during working hours."
            "\n\nMost of them work in the city.",
        ),
        ("Will weekend hours change too?", "No. Saturday opening stays the same."),
        (
            "Who asked “why not later?” at the meeting?",
            "A group of students, who also asked for more study desks.",
        ),
    ]


def test_markdown_question_headings_with_answer_paragraphs():
    article = parse_article(MARKDOWN_HEADINGS)
    assert [(i.question, markdown_to_text(i.answer)) for i in article.faq_items] == [
        ("Who can apply?", "Anyone who has lived in the city for at least a year."),
        (
            "How much does a plot cost, and what does the fee cover?",
            'Thirty pounds a year. It covers water, a shed and the "Grow Your Own?" '
            "course.",
        ),
        (
            "Is there a waiting list?",
            "Yes.\n\nIf more people apply than there are plots, names go into a draw.",
        ),
    ]
    # The questions are not sections; the heading after the FAQ is.
    assert article.table_of_contents == ["Frequently asked questions", "How to Apply"]


def test_markdown_bold_and_plain_question_lines():
    assert questions_and_answers(MARKDOWN_QUESTION_LINES) == [
        ("What about recycling?", "Recycling is still collected every week."),
        ("Will the bins be bigger?", "Yes: every home gets a larger bin."),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        "She asked: “Why now?”",
        "“Is it safe?” was the first thing people asked.",
    ],
)
def test_an_answer_line_with_a_quoted_question_stays_the_answer(answer):
    text = f"Title\nLead.\nFAQ\nWhat did the mayor hear?\n{answer}\n"
    assert questions_and_answers(text) == [("What did the mayor hear?", answer)]


@pytest.mark.django_db
def test_faq_items_are_saved_in_order():
    parsed = parse_article(DASHES)
    save_parsed_article(parsed, category=make_category())
    assert list(FaqItem.objects.values_list("question", flat=True)) == [
        "Who pays for the meter?",
        "Is the “Why pay twice?” campaign right?",
        "What did residents ask?",
        "When, and in which streets, does fitting start?",
    ]
