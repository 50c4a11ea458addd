"""Rule 2: the dateline, in any common form, opens the first paragraph of the body."""

import pytest

from articles.importer import parse_article

LEAD = "The city council approved the budget on Tuesday after a long debate."


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("LONDON –", "LONDON"),
        ("London –", "London"),
        ("OSLO —", "OSLO"),
        ("OSLO—", "OSLO"),
        ("Leeds, 3 March –", "Leeds, 3 March"),
        ("WASHINGTON (Reuters) -", "WASHINGTON (Reuters)"),
        ("RIO DE JANEIRO –", "RIO DE JANEIRO"),
        ("The Hague —", "The Hague"),
        ("Port Serene, Ondari Islands –", "Port Serene, Ondari Islands"),
    ],
)
def test_dateline_forms_are_taken_from_the_first_paragraph(opening, dateline):
    article = parse_article(f"Budget Passes After Long Debate\n{opening} {LEAD}\n")
    assert article.dateline == dateline
    assert article.sections[0].body == LEAD


@pytest.mark.parametrize(
    "text",
    [
        # after a standfirst
        "Budget Passes\nA late deal saved the libraries.\nLEEDS – {lead}\nMore.\n",
        # after a contents list
        "Budget Passes\nTable of Contents\n- 1. The Vote\nLEEDS – {lead}\n"
        "The Vote\nNine voted for it.\n",
        # after both
        "Budget Passes\nA late deal saved the libraries.\nContents\n- The Vote\n"
        "LEEDS – {lead}\nThe Vote\nNine voted for it.\n",
        # after a byline, in Markdown
        "# Budget Passes\n\nBy Ana Silva\n\n**LEEDS** – {lead}\n\n## The Vote\n\nNine.\n",
    ],
    ids=["standfirst", "contents", "standfirst-and-contents", "markdown-byline"],
)
def test_dateline_is_found_whatever_comes_before_the_body(text):
    article = parse_article(text.format(lead=LEAD))
    assert article.dateline == "LEEDS"
    assert article.sections[0].body.split("\n\n")[0] == LEAD


@pytest.mark.parametrize(
    "paragraph",
    [
        "The vote – held late on Tuesday – was close.",
        "Critics – and there are many – say the plan is rushed.",
        "Finally – After years of delay, the bridge opened.",
        "Yes – That was the answer the council gave.",
        "Mr Smith – He chairs the committee – voted against.",
        "In 2019 – The year the plan began – costs rose.",
        "Tuesday – the day of the vote – was wet.",
        "Budget cuts - not for the first time - hit libraries.",
    ],
)
def test_sentences_with_dashes_are_not_datelines(paragraph):
    article = parse_article(f"Budget Passes After Long Debate\n{paragraph}\n")
    assert article.dateline == ""
    assert article.sections[0].body.startswith(paragraph.split(" ")[0])


def test_only_the_first_paragraph_can_hold_the_dateline():
    text = f"Budget Passes\nThe vote was close.\nIt went on late.\nLEEDS – {LEAD}\n"
    article = parse_article(text)
    assert article.dateline == ""
    assert "LEEDS – " in article.sections[0].body
