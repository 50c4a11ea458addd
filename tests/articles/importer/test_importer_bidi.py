"""Bidirectional controls in what the importer shows as labels, and the scripts that must survive."""

import pytest

from articles.importer import ArticleParseError, parse_article
from articles.importer.text import heading_key, one_line

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
CONTROLS = (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI)
LRM, RLM, ZWJ, ZWNJ = "\u200e", "\u200f", "\u200d", "\u200c"

FAMILY = f"👩{ZWJ}👩{ZWJ}👧"  # one emoji, three people joined
KSSA = f"क्{ZWJ}ष"  # Devanagari conjunct shown half-form by the joiner
PERSIAN = f"می{ZWNJ}خواهم"  # "I want": the non-joiner keeps the prefix apart

DISGUISED = f"""Board minutes_{RLO}fdp.exe
Table of Contents
- 1. Board minutes_{RLO}fdp.exe
- 2. {RLE}Budget{PDF} review
- 3. {LRI}Next steps{PDI}
{RLO}Budget review
Spending is up.
Table: {RLI}Costs{PDI} by {LRO}quarter
| {FSI}Quarter{PDI} | Cost |
|---|---|
| Q1 | 10 |
Next steps
Frequently Asked Questions
- {RLO}Who signs{PDF} the minutes? The chair.
Share your thoughts: {RLO}any{PDF} questions?
"""


def labels(text: str, markdown: bool | None = None) -> list[str]:
    article = parse_article(text, markdown=markdown)
    found = [article.title, article.comment_prompt, *article.table_of_contents]
    found += [s.part_heading for s in article.sections if s.part_heading]
    found += [item.question for item in article.faq_items]
    for table in article.tables:
        found += [table.caption, *table.rows[0]]
    return found


def test_disguised_title_shows_its_characters_in_the_order_typed():
    # "…_\u202efdp.exe" is shown as "…_exe.pdf": an executable posing as a PDF.
    article = parse_article(DISGUISED)
    assert article.title == "Board minutes_fdp.exe"
    assert article.slug == "board-minutes_fdpexe"


def test_controls_are_removed_from_every_label():
    assert labels(DISGUISED) == [
        "Board minutes_fdp.exe",
        "Share your thoughts: any questions?",
        "Budget review",
        "Frequently Asked Questions",
        "Next steps",  # right above the FAQ's heading: the part they start
        "Who signs the minutes?",
        "Costs by quarter",
        "Quarter",
        "Cost",
    ]


def test_markdown_labels_lose_the_controls_too():
    text = (
        f"# {LRO}Harbour{PDF} news\n\nLead.\n\n## {RLI}Ferries{PDI}\n\nText.\n\n"
        f"## FAQ\n\n### {RLO}Why?\n\nBecause.\n"
    )
    assert labels(text) == ["Harbour news", "", "Ferries", "FAQ", "Why?"]


def test_a_heading_listed_with_controls_still_finds_its_line():
    assert heading_key(f"{RLO}Next {LRI}steps{PDI}") == heading_key("Next steps")
    article = parse_article(DISGUISED)
    assert not article.warnings
    assert [s.body for s in article.sections if s.heading == "Budget review"] == [
        "Spending is up."
    ]


def test_body_text_keeps_isolates_around_opposite_direction_words():
    # Inside a paragraph they are scoped to it and are how Unicode recommends
    # embedding a right-to-left name in English prose.
    text = f"Title\nThe sign read {RLI}مرحبا{PDI} in the square.\n"
    body = parse_article(text).sections[0].body
    assert body == f"The sign read {RLI}مرحبا{PDI} in the square."


@pytest.mark.parametrize(
    "title",
    [
        "مرحبا بالعالم",
        f"שלום{RLM} עולם!",
        f"Apple{LRM} تطلق هاتفاً جديداً",
        f"Family day {FAMILY}",
        f"{KSSA} और {PERSIAN}",
        "🏳️‍🌈 Pride in the park",
    ],
)
def test_right_to_left_text_marks_and_joiners_are_kept(title):
    text = (
        f"{title}\nTable of Contents\n- {title}\n- {title} 2\n{title} 2\nText.\n"
        f"FAQ\n- {title}? Yes.\n"
    )
    article = parse_article(text)
    assert article.title == title
    assert article.table_of_contents == [f"{title} 2", "FAQ"]
    assert article.faq_items[0].question == f"{title}?"


def test_a_title_of_nothing_but_invisible_characters_is_refused():
    for title in (RLO + PDF, f"{RLM}{ZWJ}", "\u200b\u2060"):
        with pytest.raises(
            ArticleParseError, match="the first line must be the article's title"
        ):
            parse_article(f"{title}\nText.\n")


def test_one_line_removes_every_embedding_override_and_isolate_control():
    assert one_line("a".join(CONTROLS)) == "a" * (len(CONTROLS) - 1)
    assert one_line(f"{LRM}{RLM}{ZWJ}{ZWNJ}\u061c") == f"{LRM}{RLM}{ZWJ}{ZWNJ}\u061c"
