"""Rule 6: headings in a row start a part; the prompt's question and a follow-up story after it."""

import lxml.html
import pytest

from articles.importer import parse_article, save_parsed_article
from articles.models import Article, Section
from tests.factories import make_category

BRIDGE = """Town Plans a New Bridge Over the River Alde
DUNMORE – The town council has chosen a design for a footbridge in the old town.
The Design
The Competition
Seven architects entered a competition run by the council last year.
The Winning Entry
The winning design uses a single timber arch.
Share your thoughts: Would you use the new bridge?
Where should the town build next?
Second Bridge Ruled Out for Now
Money Runs Short
The council said there was no money left for a second crossing.
"""

# The same shape with a contents list naming every heading.
BRIDGE_LISTED = """Town Plans a New Bridge Over the River Alde
Table of Contents
- 1. The Design
- 2. The Competition
- 3. The Winning Entry
- 4. Where should the town build next?
- 5. Second Bridge Ruled Out for Now
- 6. Money Runs Short
DUNMORE – The town council has chosen a design for a footbridge in the old town.
The Design
The Competition
Seven architects entered a competition run by the council last year.
The Winning Entry
The winning design uses a single timber arch.
Share your thoughts: Would you use the new bridge?
Where should the town build next?
Second Bridge Ruled Out for Now
Money Runs Short
The council said there was no money left for a second crossing.
"""

SEASON = """# Orchestra Announces Its New Season

The city orchestra has announced a season of twelve concerts.

## Autumn

### Opening Night

The season opens with music written in the city.

### Family Concerts

Two afternoon concerts are aimed at children.

## Spring

### Guest Conductors

Three guest conductors will lead concerts in March.

## Tickets

Tickets go on sale on the first of the month.

> Share your thoughts: which concert will you go to?

What should the orchestra play next year?

## Choir Seeks New Singers

The orchestra's choir is also looking for tenors.
"""


def outline(text: str) -> list[tuple[str, str, bool]]:
    return [
        (s.part_heading, s.heading, s.is_follow_up)
        for s in parse_article(text).sections
    ]


@pytest.mark.parametrize("text", [BRIDGE, BRIDGE_LISTED], ids=["shape", "listed"])
def test_heading_over_heading_starts_a_part_and_the_follow_up_is_marked(text):
    article = parse_article(text)
    assert outline(text) == [
        ("", "", False),
        ("The Design", "The Competition", False),
        ("", "The Winning Entry", False),
        ("Second Bridge Ruled Out for Now", "Money Runs Short", True),
    ]
    assert (
        article.comment_prompt == "Share your thoughts: Would you use the new bridge?"
    )
    assert article.discussion_question == "Where should the town build next?"
    assert all(section.body for section in article.sections)


def test_markdown_levels_make_parts_and_a_follow_up_with_its_story_under_it():
    article = parse_article(SEASON)
    assert outline(SEASON) == [
        ("", "", False),
        ("Autumn", "Opening Night", False),
        ("", "Family Concerts", False),
        ("Spring", "Guest Conductors", False),
        # A heading at the parts' level with text under it: a part of its own.
        ("Tickets", "", False),
        ("Choir Seeks New Singers", "", True),
    ]
    assert article.discussion_question == "What should the orchestra play next year?"
    assert all(section.body for section in article.sections)


def test_a_question_after_the_prompt_is_not_taken_when_text_comes_between():
    text = (
        "Park Reopens\nThe park reopened on Sunday.\n"
        "Share your thoughts: Will you visit?\nReporting by Ana Silva.\n"
        "Where should the benches go?\n"
    )
    article = parse_article(text)
    assert article.discussion_question == ""
    assert "Where should the benches go?" in article.sections[-1].body


@pytest.mark.django_db
def test_parts_follow_up_and_discussion_question_are_saved():
    article = save_parsed_article(parse_article(BRIDGE), category=make_category())
    stored = Article.objects.get(pk=article.pk)
    assert stored.discussion_question == "Where should the town build next?"
    assert list(
        Section.objects.filter(article=stored).values_list(
            "part_heading", "heading", "is_follow_up"
        )
    ) == [
        ("", "", False),
        ("The Design", "The Competition", False),
        ("", "The Winning Entry", False),
        ("Second Bridge Ruled Out for Now", "Money Runs Short", True),
    ]


@pytest.mark.django_db
def test_page_shows_parts_as_headings_over_their_sections(anon):
    article = save_parsed_article(
        parse_article(BRIDGE), category=make_category(), publish=True
    )
    document = lxml.html.fromstring(anon.get(article.get_absolute_url()).content)
    body = document.xpath("//div[@class='article-body']")[0]
    headings = [
        (h.tag, h.text_content())
        for h in body.xpath(
            "./section[contains(@class, 'article-')]//*[self::h2 or self::h3]"
        )
        if h.get("id")
    ]
    assert headings == [
        ("h2", "The Design"),
        ("h3", "The Competition"),
        ("h3", "The Winning Entry"),
        ("h2", "Follow-up: Second Bridge Ruled Out for Now"),
        ("h3", "Money Runs Short"),
    ]
    parts = body.xpath("./section[contains(@class, 'article-part')]")
    assert [p.xpath("string(h2)") for p in parts] == [
        "The Design",
        "Follow-up: Second Bridge Ruled Out for Now",
    ]
    assert "follow-up" in parts[1].get("class")
    # The contents list nests each part's sections under it.
    contents = document.xpath("//nav[@class='toc']//details/ol/li")
    assert [
        (li.xpath("string(a)"), [a.text_content() for a in li.xpath("ol/li/a")])
        for li in contents
    ] == [
        ("The Design", ["The Competition", "The Winning Entry"]),
        ("Follow-up: Second Bridge Ruled Out for Now", ["Money Runs Short"]),
    ]
    for link in document.xpath("//nav[@class='toc']//a/@href"):
        assert document.xpath(f"//*[@id='{link[1:]}']")
