"""The importer's parser on Markdown articles, odd input and edge cases."""

import pytest

from articles.importer import ArticleParseError, parse_article
from articles.importer.conventions import split_dateline
from articles.markup import markdown_to_text, render_markdown
from tests.articles.importer.importing import section

MARKDOWN = """# Small Town Library Turns 100

By Ana Silva and Tom Reed

PARIS, Nov. 3 – The library opened its doors a century ago, with *one* room.

## What changed
- More books
- More rooms

## Reactions

> “It is the heart of the town,” said one reader.
> “I learnt to read here.”

Key dates:

Opening: 1925 in a single room.
Extension: 1968 with a reading hall.

| Year | Visitors |
| 1990 | 12,000 |
| 2020 | 31,000 |

## FAQ

**When is the party?**
Saturday afternoon.

And there will be **cake**.

### Who can come?
Everyone.

- Is it free? Yes, and there is parking.

## After the party

The doors close at six.

Share your thoughts: What does your library mean to you?
"""


def test_markdown_article_structure():
    article = parse_article(MARKDOWN)
    assert article.is_markdown
    assert article.title == "Small Town Library Turns 100"
    assert article.byline == ["Ana Silva", "Tom Reed"]
    assert article.dateline == "PARIS, Nov. 3"
    assert article.table_of_contents == [
        "What changed",
        "Reactions",
        "FAQ",
        "After the party",
    ]
    assert article.sections[0].body == (
        "The library opened its doors a century ago, with *one* room."
    )
    assert section(article, "What changed").body == "- More books\n- More rooms"
    assert (
        article.comment_prompt
        == "Share your thoughts: What does your library mean to you?"
    )


def test_markdown_quotes_labels_and_headerless_table():
    reactions = section(parse_article(MARKDOWN), "Reactions")
    html = render_markdown(reactions.body)
    assert "<blockquote>" in html and "I learnt to read here." in html
    assert "<li><strong>Opening:</strong> 1925 in a single room.</li>" in html
    [table] = reactions.tables
    # No "|---|" row, but a column of figures under a word: that row is the header.
    assert table.is_first_row_header
    assert table.rows == [["Year", "Visitors"], ["1990", "12,000"], ["2020", "31,000"]]
    assert table.caption == ""  # never named after its section


def test_markdown_faq_forms():
    items = parse_article(MARKDOWN).faq_items
    assert [(i.question, i.answer) for i in items] == [
        ("When is the party?", "Saturday afternoon.\n\nAnd there will be **cake**."),
        ("Who can come?", "Everyone."),
        ("Is it free?", "Yes, and there is parking."),
    ]
    assert "Who can come?" not in parse_article(MARKDOWN).table_of_contents


def test_markdown_written_one_paragraph_per_line():
    text = (
        "# Wire Copy\nLONDON – First line.\nSecond line.\n## Part\nThird *line*.\n"
        "- a\n- b\n> q1\n> q2\nCost: high.\nRisk: low.\nLast.\n"
    )
    article = parse_article(text)
    assert article.dateline == "LONDON"
    assert article.sections[0].body == "First line.\n\nSecond line."
    assert section(article, "Part").body == (
        "Third *line*.\n\n- a\n- b\n\n> q1\n> q2\n\n"
        "- **Cost:** high.\n- **Risk:** low.\n\nLast."
    )


def test_interview_style_questions_and_an_unanswered_one():
    text = (
        "Ask the Expert\n\nFrequently Asked Questions\n"
        "Here is what readers asked.\n"
        "Q: How deep is the lake?\nA: About forty metres.\n"
        "Is swimming allowed?\nOnly in summer.\nFrom June.\n"
        "- Who checks the water? Nobody knows?\n"
        "- Why no answer?\n"
    )
    article = parse_article(text)
    assert [(i.question, i.answer) for i in article.faq_items] == [
        ("How deep is the lake?", "About forty metres."),
        ("Is swimming allowed?", "Only in summer.\n\nFrom June."),
        ("Who checks the water?", "Nobody knows?"),
    ]
    faq = section(article, "Frequently Asked Questions")
    assert faq.body == "Here is what readers asked."
    assert article.sections[-1].body == "Why no answer?"  # kept, after the FAQ


def test_plain_text_is_escaped_so_it_renders_literally():
    text = "Odd Characters\n*Not emphasis* and <b>not bold</b> &amp; [not a link](x)\n# not a heading\n"
    article = parse_article(text, markdown=False)
    html = render_markdown(article.sections[0].body)
    assert "<em>" not in html and "<b>" not in html and "<a" not in html
    assert markdown_to_text(article.sections[0].body) == (
        "*Not emphasis* and <b>not bold</b> &amp; [not a link](x)\n\n# not a heading"
    )


def test_plain_text_keeps_asterisks_in_questions_prompts_and_captions():
    text = (
        "Maths Corner\nTable: Results of 2*3\n| a | b |\n|---|---|\n| 6 | *ok* |\n"
        "FAQ\n- Is 2*3 six? Yes, *always*.\nShare your thoughts: is 2*3 hard?\n"
    )
    article = parse_article(text)
    assert article.tables[0].caption == "Results of 2*3"
    assert article.tables[0].rows[1] == ["6", "*ok*"]
    assert article.faq_items[0].question == "Is 2*3 six?"
    assert markdown_to_text(article.faq_items[0].answer) == "Yes, *always*."
    assert article.comment_prompt == "Share your thoughts: is 2*3 hard?"


def test_table_too_wide_is_text_with_a_warning():
    wide = "| " + " | ".join(f"c{n}" for n in range(25)) + " |"
    article = parse_article(f"Title\n{wide}\n{wide}\n")
    assert article.warnings == [
        "line 2: the table starting “| c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7…” was "
        "kept as text: A table may have at most 20 columns."
    ]


def test_quotation_lines_in_plain_text_become_a_block_quote():
    article = parse_article("Title\nShe said:\n> First line.\n> Second line.\nAfter.\n")
    html = render_markdown(article.sections[0].body)
    assert html.count("<blockquote>") == 1
    assert "<p>First line.</p>" in html and "<p>Second line.</p>" in html


def test_label_runs_need_two_lines_and_quotes_are_not_labels():
    text = (
        "Title\nNote this: a single labelled line stays a paragraph.\n\n"
        "Zakharova said: “No.”\nMacron replied: “Yes.”\n"
    )
    body = parse_article(text).sections[0].body
    assert "**" not in body
    assert "- " not in body


def test_unicode_survives():
    text = (
        "Фестиваль у моря 🎉\nTable of Contents\n- 1. Фестиваль у моря 🎉\n"
        "- 2. مرحبا بالعالم\n- 3. Cafe\u0301 society ☕\n"
        "مرحبا بالعالم\nنص عربي هنا.\nCafé society ☕\nZa\u0308hlen 👩‍👩‍👧 und mehr.\n"
    )
    article = parse_article(text)
    assert article.title == "Фестиваль у моря 🎉"
    assert article.slug.startswith("article-")  # no ASCII letters to make a slug from
    assert article.table_of_contents == ["مرحبا بالعالم", "Café society ☕"]
    assert "Za\u0308hlen 👩‍👩‍👧" in article.sections[-1].body


def test_did_you_know_listed_in_the_contents_is_still_a_box():
    text = (
        "Bees at Work\nTable of Contents\n- 1. Bees at Work\n- 2. **The Hive**\n"
        "- 3. Did You Know?\n- 4. Outlook\n"
        "**The Hive**\nBusy.\nDid you know?\nBees can count.\nTo four.\n"
        "| Bee | Job |\n|---|---|\n| Ada | Guard |\nOutlook\nSunny.\n"
    )
    article = parse_article(text)
    assert article.table_of_contents == ["The Hive", "Outlook"]
    box = section(article, "Did you know?")
    assert box.kind == "callout"
    assert box.body == "Bees can count.\n\nTo four."
    assert box.tables[0].rows == [["Bee", "Job"], ["Ada", "Guard"]]


def test_table_without_outer_pipes():
    text = "Title\nIntro.\nName | Role | Since\n--- | :--: | ---\nAda | Chair | 2019\nBo | Clerk | 2021\n\nAfter.\n"
    [table] = parse_article(text).tables
    assert table.is_first_row_header
    assert table.rows == [
        ["Name", "Role", "Since"],
        ["Ada", "Chair", "2019"],
        ["Bo", "Clerk", "2021"],
    ]


def test_malformed_table_stays_text():
    wide = "| " + " | ".join(f"c{n}" for n in range(25)) + " |"
    article = parse_article(f"Title\n{wide}\n{wide}\n")
    assert article.tables == []
    assert "c24" in markdown_to_text(article.sections[0].body)


def test_contents_naming_no_heading_stays_text():
    article = parse_article(
        "Title\nTable of Contents\n1. Apples\n2. Pears\nFruit is good.\n"
    )
    assert article.table_of_contents == []
    assert markdown_to_text(article.sections[0].body) == (
        "Table of Contents\n\nApples\n\nPears\n\nFruit is good."
    )


def test_caption_of_a_table_that_is_not_one_stays_text():
    article = parse_article("Title\nTable: Prices\n| only one row |\n|---|\nAfter.\n")
    assert article.tables == []
    assert markdown_to_text(article.sections[0].body).startswith(
        "Table: Prices\n\n| only one row |"
    )


def test_header_only_table_stays_text():
    article = parse_article("Title\n| A | B |\n|---|---|\nAfter.\n")
    assert article.tables == []
    assert "| A | B |" in markdown_to_text(article.sections[0].body)


def test_second_prompt_and_callout_without_text_are_kept():
    text = (
        "Title\nShare your thoughts: one?\nShare your thoughts: two?\nDid you know?\n"
    )
    article = parse_article(text)
    assert article.comment_prompt == "Share your thoughts: one?"
    assert markdown_to_text(article.sections[0].body) == (
        "Share your thoughts: two?\n\nDid you know?"
    )


def test_callout_on_its_own_line_takes_the_next_paragraph():
    article = parse_article("Title\nLead.\nDid You Know?\nBees can count.\nAfter.\n")
    assert [(s.heading, s.body) for s in article.sections] == [
        ("", "Lead."),
        ("Did you know?", "Bees can count."),
        ("", "After."),
    ]


@pytest.mark.parametrize(
    ("lead", "dateline", "rest"),
    [
        ("London – Russia has said", "London", "Russia has said"),
        ("KYIV — Officials said", "KYIV", "Officials said"),
        ("LONDON—The bank said", "LONDON", "The bank said"),
        ("PARIS, Nov. 3 – The summit", "PARIS, Nov. 3", "The summit"),
        ("Washington - The White House", "Washington", "The White House"),
        ("Washington, D.C. – A vote", "Washington, D.C.", "A vote"),
        ("Rio de Janeiro – Crowds gathered", "Rio de Janeiro", "Crowds gathered"),
        ("The Hague – Judges ruled", "The Hague", "Judges ruled"),
        ("São Paulo — “Enough,” she said", "São Paulo", "“Enough,” she said"),
    ],
)
def test_datelines(lead, dateline, rest):
    assert split_dateline(lead) == (dateline, rest)


@pytest.mark.parametrize(
    "lead",
    [
        "The President – who spoke first – urged caution.",
        "He paused – Then he left.",
        "Officials – Including the mayor – agreed.",
        "In 2024 – A year of change.",
        "Update – The article was corrected.",
        "Prices rose - and then fell.",
        "Well-known names - Some here.",
    ],
)
def test_not_datelines(lead):
    assert split_dateline(lead) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("  \n\t\n", "the file is empty"),
        ("Only a title\n\n", "there is no article text after the title"),
        ("| a | b |\n| c | d |\n", "the first line must be the article's title"),
        (
            "Table of Contents\n- 1. A\nA\ntext\n",
            "the first line must be the article's title",
        ),
        ("- a list first\ntext\n", "the first line must be the article's title"),
        (
            "x" * 201 + "\ntext\n",
            "the first line must be the title, and it has 201 characters",
        ),
    ],
)
def test_unusable_text_is_refused(text, message):
    with pytest.raises(ArticleParseError) as error:
        parse_article(text)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_control_characters_are_dropped():
    article = parse_article("Title\x07\nText\x00 with\x1b controls.\u2028Next.\n")
    assert article.title == "Title"
    assert article.sections[0].body.startswith("Text with controls.")


def test_very_long_input_is_parsed_quickly():
    lines = ["Long Read", "Table of Contents"]
    lines += [f"- {n}. Part {n}" for n in range(1, 400)]
    for n in range(1, 400):
        lines += [f"Part {n}", "Some words here. " * 20, "- a", "- b"]
    article = parse_article("\n".join(lines))
    assert len(article.table_of_contents) == 399
