"""The importer's parser on the sample article: every part of it recovered."""

import re
from pathlib import Path

import pytest

from articles.importer import ParsedArticle, parse_article
from articles.markup import render_markdown
from tests.articles.importer.importing import flat, section, visible_text

SAMPLE = Path(__file__).resolve().parents[3] / "articles/demo_content/peace-talks.txt"

SAMPLE_HEADINGS = [
    "Moscow’s Unwavering Position",
    "security Guarantees Under Discussion",
    "Paris Summit and U.S. involvement",
    "Trump’s Perspective and Recent Actions",
    "Bilateral Meeting Prospects Dim",
    "Understanding Security Guarantees in International Conflicts",
    "Frequently Asked Questions",
    "Kremlin Condemns “Counterproductive” Discussions",
    "Key Concerns expressed by Russia",
    "The Paris Summit: Objectives and Participants",
    "Trump-Putin Call: A Pivotal Moment",
    "Russia’s Domestic Political Landscape & Reform Challenges",
    "Internal Pressures & Potential for Instability",
    "Implications for Global Security",
]

DISCUSSION_QUESTION = (
    "How might a shift in U.S. policy under a new administration impact the dynamics "
    "of the conflict in Ukraine, considering Russia’s condemnation of current "
    "international efforts?"
)
FOLLOW_UP = (
    "Russia issues Warning as European Leaders and Zelenskyy convene in Paris Ahead "
    "of trump Call"
)
# Kept as written, and each reported with its line.
SAMPLE_WARNINGS = [
    "line 24: “security Guarantees” — lower-case word at the start of a heading",
    "line 28: “Donald trump” — a name with a lower-case part",
    "line 28: “Emmanuel macron” — a name with a lower-case part",
    "line 28: “paris” — lower-case, but written “Paris” elsewhere in the article",
    "line 28: “later” — lower-case word at the start of a sentence",
    "line 41: the table has no caption; write one in the admin, where it is "
    "required, saying what the table shows",
    "line 46: “emmanuel Macron” — a name with a lower-case part",
    "line 55: “zelenskyy” — lower-case, but written “Zelenskyy” elsewhere in the "
    "article",
    "line 60: “trump” — lower-case, but written “Trump” elsewhere in the article",
    "line 62: “kremlin” — lower-case, but written “Kremlin” elsewhere in the article",
    "line 64: “ukraine” — lower-case, but written “Ukraine” elsewhere in the article",
    "line 73: “russia” — lower-case, but written “Russia” elsewhere in the article",
    "line 78: “ukraine” — lower-case, but written “Ukraine” elsewhere in the article",
    "line 81: “while” — lower-case word at the start of a paragraph",
]

SAMPLE_QUESTIONS = [
    "What is Russia’s primary concern regarding Western involvement in Ukraine?",
    "What kind of security guarantees is Ukraine seeking?",
    "What role is the United States playing in the peace process?",
    "Has President Trump expressed a clear position on the conflict?",
    "What is the significance of the meeting between zelenskyy and Macron?",
    "What is the “Coalition of the Willing”?",
    "What are secondary sanctions, and how do they work?",
]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(sample_text) -> ParsedArticle:
    return parse_article(sample_text)


# -- the sample article --------------------------------------------------


def test_sample_title_and_table_of_contents(sample):
    assert (
        sample.title == "Russia Rejects Western Troops in Ukraine as Peace Talks Loom"
    )
    assert sample.table_of_contents == SAMPLE_HEADINGS
    assert sample.warnings == SAMPLE_WARNINGS
    assert not sample.is_markdown
    assert sample.standfirst == ""  # the contents list follows the headline


def test_sample_dateline_is_taken_from_the_lead(sample):
    assert sample.dateline == "London"
    lead = sample.sections[0]
    assert lead.heading == ""
    assert lead.body.startswith("Russia has reiterated its staunch opposition")
    assert "London" not in lead.body


def test_sample_callout_then_table_then_paragraph_keep_their_order(sample):
    headings = [(s.heading, s.kind) for s in sample.sections]
    callout_at = headings.index(("Did you know?", "callout"))
    assert headings[callout_at - 1] == ("Bilateral Meeting Prospects Dim", "text")
    callout, table_part, after = sample.sections[callout_at : callout_at + 3]
    assert callout.body == (
        "Secondary sanctions, like those imposed on India, aim to penalize entities "
        "that do business with sanctioned countries, pressuring them to alter their "
        "behavior."
    )
    assert (table_part.heading, table_part.body, len(table_part.tables)) == ("", "", 1)
    assert after.heading == "" and after.body.startswith("What impact will the U.S.")
    assert "Did you know?" not in sample.table_of_contents


def test_sample_key_player_table(sample):
    [table] = sample.tables
    assert table.is_first_row_header
    # The text gives no caption, and the box above the table is not one.
    assert table.caption == ""
    assert table.rows == [
        ["Key Player", "Position"],
        ["Volodymyr Zelenskyy", "President of Ukraine"],
        ["Vladimir Putin", "President of Russia"],
        ["Donald Trump", "President of the United States"],
        ["emmanuel Macron", "President of France"],
    ]


def test_sample_faq(sample):
    assert [item.question for item in sample.faq_items] == SAMPLE_QUESTIONS
    assert sample.faq_items[5].answer == (
        "It’s a group of European nations committed to providing support to Ukraine "
        "and actively engaging in diplomatic efforts."
    )
    faq = section(sample, "Frequently Asked Questions")
    assert (faq.kind, faq.body) == ("faq", "")


def test_sample_comment_prompt(sample):
    assert sample.comment_prompt == (
        "Share your thoughts: Do you believe a lasting peace can be achieved in "
        "Ukraine without addressing Russia’s security concerns? Let us know in the "
        "comments below!"
    )
    assert "Share your thoughts" not in visible_text(sample).replace(
        sample.comment_prompt, ""
    )


def test_sample_lists(sample):
    html = render_markdown(
        section(sample, "The Paris Summit: Objectives and Participants").body
    )
    assert html.count("<li>") == 4
    assert (
        "<li>Discuss strategies for isolating russia diplomatically and economically.</li>"
        in html
    )
    labels = render_markdown(section(sample, "Key Concerns expressed by Russia").body)
    assert labels.count("<li><strong>") == 4
    assert "<li><strong>NATO Expansion:</strong> Russia continues" in labels
    internal = render_markdown(
        section(sample, "Internal Pressures & Potential for Instability").body
    )
    assert internal.count("<li>") == 3


def test_sample_reader_question_is_the_discussion_question(sample):
    assert sample.discussion_question == DISCUSSION_QUESTION
    assert DISCUSSION_QUESTION not in [s.heading for s in sample.sections]


def test_sample_second_story_is_a_follow_up_part_and_no_section_is_empty(sample):
    [start] = [s for s in sample.sections if s.part_heading]
    assert (start.part_heading, start.is_follow_up) == (FOLLOW_UP, True)
    assert start.heading == "Kremlin Condemns “Counterproductive” Discussions"
    assert start.body.startswith("Moscow has issued a stern warning")
    for part in sample.sections:
        assert part.body or part.tables or part.kind == "faq", part


def test_sample_loses_no_text(sample_text, sample):
    seen = visible_text(sample)
    body = sample_text.splitlines()[19:]  # after the title and the contents
    assert body
    for line in body:
        if re.fullmatch(r"\|[-| ]+\|", line.strip()):
            continue  # the table's separator row
        line = re.sub(r"^(- |London – |Did You know\? )", "", line.strip())
        for piece in re.split(r"\s*\|\s*|(?<=\?) ", line):
            assert flat(piece) in seen, piece


def test_sample_with_bom_and_crlf_parses_the_same(sample_text, sample):
    windows = "\ufeff" + sample_text.replace("\n", "\r\n")
    assert parse_article(windows) == sample
