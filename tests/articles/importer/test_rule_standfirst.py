"""Rule 1: a short paragraph between the headline and the contents or the body is the standfirst."""

import pytest

from articles.importer import parse_article, save_parsed_article
from articles.models import Article
from tests.articles.importer.importing import visible_text
from tests.factories import make_category

BEFORE_CONTENTS = """Harbour Trust Buys the Old Rope Works
The derelict factory will become workshops and a small museum by 2027.
Table of Contents
- 1. A Building With a Past
- 2. What Happens Next
KESTRIN – The harbour trust has bought the old rope works on Mill Lane.
A Building With a Past
Rope was made on the site for more than a century.
What Happens Next
Builders will make the roof safe this winter.
"""

TWO_LINES_BEFORE_CONTENTS = """Bakery Wins Regional Bread Prize
A family bakery in the old town has beaten forty rivals.
Its sourdough was praised for a crust "you can hear".
Contents
- The Judging
- The Bakery
The prize was announced at the county show on Saturday.
The Judging
Five judges tasted every loaf without knowing who baked it.
The Bakery
The bakery has been run by the same family since 1952.
"""

BEFORE_DATELINE = """Ferry Fares Frozen for Another Year
Islanders had feared a rise after fuel costs doubled
OSLO — The ferry company serving the outer islands said fares would stay the same.
The company said it would absorb higher fuel costs.
"""

BEFORE_BYLINE = """Museum Returns a Carved Door to Its Village
The door left the village a century ago and was shown in the capital ever since.
By Marta Lind
The city museum handed the carved oak door back to the village church on Sunday.
Villagers carried it the last mile on their shoulders.
"""

MARKDOWN_EMPHASISED = """# Night Buses Return to the Northern Suburbs

*A trial service will run on Fridays and Saturdays from next month.*

The transport board approved the trial after a petition from residents.

## The Routes

Two routes will run every half hour.
"""

MARKDOWN_BEFORE_DATELINE = """# Theatre Saved by a Late Gift

A donor's gift arrived hours before the doors were due to close.

**YORK** — The city theatre will stay open after an anonymous gift covered its debts.

The board thanked the donor.
"""

MARKDOWN_BEFORE_CONTENTS = """# Cycle Lanes Planned for the Ring Road

The council wants a protected lane on both sides of the road by 2026.

## Contents

- Where the Lanes Go
- Who Pays

## Where the Lanes Go

The lanes will follow the outer edge of the ring road.

## Who Pays

A national grant covers most of the cost.
"""


@pytest.mark.parametrize(
    ("text", "standfirst", "lead"),
    [
        (
            BEFORE_CONTENTS,
            "The derelict factory will become workshops and a small museum by 2027.",
            "The harbour trust has bought the old rope works on Mill Lane.",
        ),
        (
            TWO_LINES_BEFORE_CONTENTS,
            "A family bakery in the old town has beaten forty rivals. Its sourdough "
            'was praised for a crust "you can hear".',
            "The prize was announced at the county show on Saturday.",
        ),
        (
            BEFORE_DATELINE,
            "Islanders had feared a rise after fuel costs doubled",
            "The ferry company serving the outer islands said fares would stay the "
            "same.",
        ),
        (
            BEFORE_BYLINE,
            "The door left the village a century ago and was shown in the capital "
            "ever since.",
            "The city museum handed the carved oak door back to the village church on "
            "Sunday.",
        ),
        (
            MARKDOWN_EMPHASISED,
            "A trial service will run on Fridays and Saturdays from next month.",
            "The transport board approved the trial after a petition from residents.",
        ),
        (
            MARKDOWN_BEFORE_DATELINE,
            "A donor's gift arrived hours before the doors were due to close.",
            "The city theatre will stay open after an anonymous gift covered its debts.",
        ),
        (
            MARKDOWN_BEFORE_CONTENTS,
            "The council wants a protected lane on both sides of the road by 2026.",
            "",
        ),
    ],
    ids=[
        "before-contents",
        "two-lines-before-contents",
        "before-dateline",
        "before-byline",
        "markdown-emphasised",
        "markdown-before-dateline",
        "markdown-before-contents",
    ],
)
def test_standfirst_is_taken_out_of_the_body(text, standfirst, lead):
    article = parse_article(text)
    assert article.standfirst == standfirst
    bodies = " ".join(section.body for section in article.sections)
    assert standfirst.split(" ")[-1] not in bodies.replace(lead, "")
    assert article.sections[0].body.startswith(lead)


def test_a_byline_after_the_standfirst_is_still_the_byline():
    article = parse_article(BEFORE_BYLINE)
    assert article.byline == ["Marta Lind"]
    assert "Marta Lind" not in visible_text(article).replace(article.standfirst, "")


@pytest.mark.parametrize(
    "text",
    [
        # A short first paragraph on its own is just a short lead.
        "Dog Show Draws a Crowd\nThe annual dog show drew a record crowd.\n"
        "More than two hundred dogs took part this year.\n",
        # A lead that opens with the dateline is never a standfirst.
        "Dog Show Draws a Crowd\nLEEDS – The annual dog show drew a record crowd.\n"
        "More than two hundred dogs took part.\n",
        "# Dog Show Draws a Crowd\n\nThe annual dog show drew a record crowd.\n\n"
        "## The Winners\n\nA spaniel won best in show.\n",
        # A list or a table under the headline is not a standfirst.
        "Dog Show Results\n- Best in show: a spaniel\nLEEDS – The judges took all day.\n",
    ],
    ids=["short-lead", "dateline-lead", "markdown-lead", "list"],
)
def test_lead_paragraphs_stay_in_the_body(text):
    article = parse_article(text)
    assert article.standfirst == ""
    assert article.sections[0].body


@pytest.mark.django_db
def test_standfirst_is_saved_on_the_article_unless_one_is_given():
    news = make_category(name="News", slug="news")
    parsed = parse_article(BEFORE_DATELINE)
    article = save_parsed_article(parsed, category=news)
    stored = Article.objects.get(pk=article.pk)
    assert stored.standfirst == "Islanders had feared a rise after fuel costs doubled"
    assert "Islanders had feared" not in " ".join(
        stored.sections.values_list("body", flat=True)
    )
    given = save_parsed_article(
        parsed, category=news, replace=True, standfirst="Written by the desk."
    )
    assert Article.objects.get(pk=given.pk).standfirst == "Written by the desk."
