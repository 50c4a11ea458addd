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
    "How might a shift in U.S. policy under a new administration impact the dynamics "
    "of the conflict in Ukraine, considering Russia’s condemnation of current "
    "international efforts?",
    "Russia issues Warning as European Leaders and Zelenskyy convene in Paris Ahead "
    "of trump Call",
    "Kremlin Condemns “Counterproductive” Discussions",
    "Key Concerns expressed by Russia",
    "The Paris Summit: Objectives and Participants",
    "Trump-Putin Call: A Pivotal Moment",
    "Russia’s Domestic Political Landscape & Reform Challenges",
    "Internal Pressures & Potential for Instability",
    "Implications for Global Security",
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
    assert sample.warnings == []
    assert not sample.is_markdown


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
    assert table.caption == "Key Player and Position"
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


def test_sample_headings_without_text_are_kept(sample):
    assert section(sample, SAMPLE_HEADINGS[7]).body == ""
    assert section(sample, SAMPLE_HEADINGS[8]).body == ""


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
