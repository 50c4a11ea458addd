"""The newsroom's writing conventions (articles/importer/conventions.py), each at its edge.

Written for the mutants that survived ``make mutants`` (docs/mutants.md).
"""

import pytest

from articles.importer.conventions import (
    byline_names,
    callout_start,
    caption_line,
    comment_prompt,
    is_callout_heading,
    is_question,
    labelled_line,
    source_line,
    split_dateline,
    split_question,
    toc_entry,
)


def test_contents_entries_keep_their_numbers():
    assert toc_entry("3. Reaction") == (3, "Reaction")
    assert toc_entry("- Reaction") == (None, "Reaction")
    assert toc_entry("- **") is None


@pytest.mark.parametrize(
    ("line", "labelled"),
    [
        (
            "Economic Strain: Sanctions are biting.",
            ("Economic Strain", "Sanctions are biting."),
        ),
        ("Xbox Sales: up five per cent.", ("Xbox Sales", "up five per cent.")),
        (
            "One Two Three Four Five Six: six words.",
            ("One Two Three Four Five Six", "six words."),
        ),
        ("One Two Three Four Five Six Seven: too many.", None),
        ("economic strain: no capital.", None),
        ("Really?: a question is no label.", None),
        ("Http Status: an address is no label.", None),
    ],
)
def test_labelled_points_need_a_short_capitalised_plain_label(line, labelled):
    assert labelled_line(line) == labelled


def test_did_you_know_opens_a_box_quoted_or_not():
    assert callout_start("> Did you know? Otters hold hands.") == (
        "Otters hold hands.",
        True,
    )
    assert is_callout_heading("Did you know?")
    assert is_callout_heading("> Did you know?")
    assert not is_callout_heading("Did you know? Otters hold hands.")


def test_the_comment_prompt_may_be_quoted_and_up_to_300_characters():
    assert comment_prompt("> Share your thoughts: what now?") == (
        "Share your thoughts: what now?"
    )
    longest = "Share your thoughts: " + "x" * 279
    assert comment_prompt(longest) == longest
    assert comment_prompt(longest + "x") is None


def test_questions_end_with_a_question_mark_and_are_at_most_300_characters():
    assert is_question("“Why now?”")
    assert not is_question("A statement.")
    longest = "W" + "h" * 298 + "?"
    assert is_question(longest)
    assert not is_question("W" + longest)
    assert split_question("W" + longest + " Because.") is None


@pytest.mark.parametrize(
    ("text", "question", "answer"),
    [
        (
            "Is the “Why not?” campaign legal? Yes.",
            "Is the “Why not?” campaign legal?",
            "Yes.",
        ),
        (
            'Is the "Why not?" campaign legal? Yes.',
            'Is the "Why not?" campaign legal?',
            "Yes.",
        ),
        ("“Why now?” Because.", "“Why now?”", "Because."),
        ("“Why? Why now?” Readers asked.", "“Why? Why now?”", "Readers asked."),
        ("“Is «Why not?» fair?” Yes.", "“Is «Why not?» fair?”", "Yes."),
        ("«Why now?» Because.", "«Why now?»", "Because."),
        # Letters are no quotation marks, capital X included.
        ("Is Xbox worth it? Yes.", "Is Xbox worth it?", "Yes."),
        (
            "Did “Xmas, why not?” win the vote? Yes.",
            "Did “Xmas, why not?” win the vote?",
            "Yes.",
        ),
    ],
    ids=[
        "curly",
        "straight",
        "whole",
        "two-in-one",
        "nested",
        "guillemets",
        "x-opens-nothing",
        "x-closes-nothing",
    ],
)
def test_a_question_mark_inside_quotation_marks_belongs_to_the_quotation(
    text, question, answer
):
    assert split_question(text) == (question, answer)


def test_a_quotation_that_never_closes_holds_no_question():
    assert split_question("Is the “Why not? campaign legal? Yes.") is None
    assert split_question('Is the "Why not? campaign legal? Yes.') is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Ana Silva and Tom Reed", ["Ana Silva", "Tom Reed"]),
        ("By Ana Silva, Tom Reed & Jo Bo", ["Ana Silva", "Tom Reed", "Jo Bo"]),
        ("By Ana Silva.", ["Ana Silva"]),
        ("By Malcolm X.", ["Malcolm X"]),
        ("By the way, this is wrong", []),
        ("By Ana Beatriz Maria Silva Costa Reed", []),
    ],
)
def test_bylines_name_people_and_nothing_else(line, names):
    assert byline_names(line) == names


@pytest.mark.parametrize(
    "paragraph",
    [
        "De Gaulle – The general arrived.",
        "London – and so it began.",
        "Mr. Smith – He said nothing.",
    ],
)
def test_sentences_that_only_look_like_datelines_are_not_split(paragraph):
    assert split_dateline(paragraph) is None


def test_a_dateline_may_be_60_characters_long():
    dateline = "A" + "b" * 32 + ", Wales, September 12, 2024"
    assert len(dateline) == 60
    assert split_dateline(f"{dateline} – Rain fell.") == (dateline, "Rain fell.")
    assert split_dateline(f"A{dateline} – Rain fell.") is None


def test_captions_and_sources_may_be_300_characters_long():
    caption, source = "c" * 300, "s" * 300
    assert caption_line(f"Table 1: {caption}") == caption
    assert caption_line(f"Table 1: {caption}c") is None
    assert source_line(f"Source: {source}") == source
    assert source_line(f"Source: {source}s") is None
