"""Rule 7: capital letters the writer slipped on are kept, and reported with their line."""

import pytest

from articles.importer import parse_article

MARKET = """Mayor Opens the New Market Hall
BRISTOL – Mayor Helena Okafor opened the new market hall on Saturday.
market Traders Move In
Traders moved in during the week. helena okafor said the hall would help the street.
Stallholders from Bristol and Bath have taken every pitch in the hall.
Visitors came from Bath by train and from bath by bus.
"""

FESTIVAL = """Film Festival Names Its Jury
CANNES – The festival named Greta Lindqvist as head of its jury on Monday.
greta lindqvist is the first editor to lead the jury. The Jury of Nine
Lindqvist said she would watch every film twice. Lindqvist began as an editor.
the other jurors will be named in April.
"""

MARKDOWN = """# Council Backs River Barrier

LONDON – The council backed a flood barrier on the River Tamsin on Tuesday.

## barrier Design Chosen

Engineers said the River Tamsin floods most winters. the river rose twice in March.
"""


def capital_notes(text: str) -> list[str]:
    return [w for w in parse_article(text).warnings if "lower-case" in w]


def test_slips_are_reported_with_their_lines_and_kept_as_written():
    article = parse_article(MARKET)
    assert capital_notes(MARKET) == [
        "line 3: “market Traders” — lower-case word at the start of a heading",
        "line 4: “helena okafor” — a name with a lower-case part",
        "line 6: “bath” — lower-case, but written “Bath” elsewhere in the article",
    ]
    assert article.table_of_contents == ["market Traders Move In"]
    assert "helena okafor said" in article.sections[1].body


def test_names_and_sentence_starts_in_another_article():
    assert capital_notes(FESTIVAL) == [
        "line 3: “greta lindqvist” — a name with a lower-case part",
        "line 5: “the” — lower-case word at the start of a paragraph",
    ]


def test_markdown_headings_and_sentences():
    assert capital_notes(MARKDOWN) == [
        "line 5: “barrier Design” — lower-case word at the start of a heading",
        "line 7: “the” — lower-case word at the start of a sentence",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Sales of the iPhone rose. iPhone owners queued all night.",
        "The painting by Vincent van Gogh was lent by the museum. Experts praised it.",
        "The Dutch painter Vincent van Gogh lived here. A plaque marks the house.",
        "Ana de la Cruz designed it. The firm of Ana de la Cruz won the prize.",
        "The talks with Bashar al-Assad stalled. Envoys met al-Assad twice.",
        "Opening times: the hall is open daily. Note: dogs are welcome.",
        "The ferry leaves at 8 a.m. every day. It stops at St. Ives.",
        "He asked “why now?” and left. She said “later” and stayed.",
        "Prices rose by 3 per cent, i.e. faster than wages. Wages rose less.",
        "French president Emmanuel Macron spoke. President Macron was brief.",
        "The Foreign Ministry spoke of foreign help. Foreign Minister Ana Silva agreed.",
        "Trains run to Eastern Europe. The eastern line is closed.",
    ],
)
def test_spellings_that_are_not_slips_are_left_alone(sentence):
    text = f"Gallery News\nLONDON – {sentence}\nMore follows on Monday.\n"
    assert capital_notes(text) == []


@pytest.mark.parametrize(
    "heading",
    [
        "iPhone Sales Slump",
        "de la Cruz Wins the Prize",
        "van Gogh Comes Home",
        "2024 in Review",
    ],
)
def test_headings_that_start_with_a_particle_or_a_brand_are_left_alone(heading):
    text = f"Gallery News\nLONDON – The gallery reopened.\n{heading}\nIt was busy.\n"
    article = parse_article(text)
    assert article.table_of_contents == [heading]
    assert capital_notes(text) == []


def test_capital_letters_are_checked_in_the_first_words_only(monkeypatch):
    from articles.importer import capitals

    monkeypatch.setattr(capitals, "MAX_WORDS", 40)
    early = (
        "Aides met Trump in Paris on Monday. Aides said Trump would return to "
        "Paris, and trump did."
    )
    late = " ".join(["words"] * 50) + " and then paris again."
    article = parse_article(f"Capitals\n{early}\n\n{late}\n")
    notes = " ".join(article.warnings)
    assert "“trump”" in notes
    assert "paris" not in notes  # past the words looked at
