"""Rule 8: `import_article --dry-run` shows the structure found and every warning.

Each file in ``samples/`` is an article written for one of the importer's
rules; its dry run must show what that rule found. With ``-v 2`` every piece
says which line and rule placed it.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.importer import parse_article
from articles.importer.summary import describe

SAMPLES = Path(__file__).parent / "samples"

EXPECTED = {
    "standfirst-before-contents.txt": [
        "  standfirst: The derelict factory will become workshops and a small "
        "museum by 2027.\n",
        "  dateline: KESTRIN\n",
        "    2. A Building With a Past [text]\n",
    ],
    "standfirst-before-dateline.txt": [
        "  standfirst: Islanders had feared a rise after fuel costs doubled\n",
        "  dateline: OSLO\n",
        "    3. Reaction on the Islands [text]\n",
    ],
    "standfirst-emphasised.md": [
        "  standfirst: A trial service will run on Fridays and Saturdays from next "
        "month.\n",
        "    2. The Routes [text]\n",
    ],
    "dateline-agency.txt": ["  dateline: WASHINGTON (Reuters)\n"],
    "faq-headings.md": [
        "    2. Frequently asked questions [FAQ: 3 questions]\n",
        "    Q: How much does a plot cost, and what does the fee cover?\n",
        "    3. How to Apply [text]\n",
    ],
    "faq-question-lines.txt": [
        "  FAQ: 4 questions\n",
        "    Q: Who asked “why not later?” at the meeting?\n",
        "    Q: Is the café staying open?\n",
        "  warnings: none\n",
    ],
    "headings-without-contents.txt": [
        "  sections (3):\n    1. (no heading) [text]\n    2. What Was Done [text]\n"
        "    3. Safety Advice [text]\n"
    ],
    "contents-close-wording.txt": [
        "    2. How The Plan Will Work [text]\n",
        "    line 8: the heading “How The Plan Will Work” was taken for the contents "
        "entry “How the Plan Works” (line 4); the wording differs\n",
    ],
    "tables-plain.txt": [
        "       table “Passengers by month”: 3 rows × 2 columns, headed Month | "
        "Passengers\n",
        "       table (no caption): 3 rows × 2 columns, no header row\n",
        "       table “The company's two vessels”: 2 rows × 2 columns, headed Vessel | "
        "Built\n",
        "    line 7: this row has 3 cells but the table has 2 columns; the extra cells "
        "were joined to the last one\n",
        "    line 9: the table has no caption;",
        "    line 11: this row has 1 cell but the table has 2 columns; the missing "
        "cells were left empty\n",
    ],
    "parts-and-follow-up.txt": [
        "    1. (no heading) [text]\n    part: The Design\n"
        "      2. The Competition [text]\n",
        "    follow-up part: Second Bridge Ruled Out for Now\n"
        "      5. Money Runs Short [text]\n",
        "  comment prompt: Share your thoughts: Would you use the new bridge?\n",
        "  discussion question: Where should the town build next?\n",
    ],
    "parts.md": [
        "    part: Autumn\n      2. Opening Night [text]\n      3. Family Concerts [text]\n"
        "    part: Spring\n",
    ],
    "capitals.txt": [
        "    line 3: “market Traders” — lower-case word at the start of a heading\n",
        "    line 4: “helena okafor” — a name with a lower-case part\n",
        "    line 7: “bath” — lower-case, but written “Bath” elsewhere in the article\n",
    ],
}


def dry_run(path: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_article", str(path), "--dry-run", *args, stdout=out, stderr=err
    )
    assert err.getvalue() == ""
    return out.getvalue()


def test_every_sample_has_its_expectations():
    assert sorted(path.name for path in SAMPLES.iterdir()) == sorted(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dry_run_shows_the_structure_each_rule_found(name):
    out = dry_run(SAMPLES / name)
    assert out.startswith(f"{SAMPLES / name}: “")
    assert "; nothing saved)\n" in out.splitlines(keepends=True)[0]
    for expected in EXPECTED[name]:
        assert expected in out, f"{expected!r} not in\n{out}"


@pytest.mark.django_db
def test_verbose_dry_run_says_which_rule_placed_each_piece():
    out = dry_run(SAMPLES / "parts-and-follow-up.txt", "-v", "2")
    for expected in [
        "  title: Town Plans a New Bridge Over the River Alde (line 1: first line)\n",
        "  dateline: DUNMORE (line 2: first words of the first paragraph)\n",
        "    part: The Design (line 3: heading right above another heading: the "
        "part they start)\n",
        "      2. The Competition [text] (line 4: short line without closing "
        "punctuation, with text under it)\n",
        "  comment prompt: Share your thoughts: Would you use the new bridge? "
        "(line 10: comment prompt)\n",
        "  discussion question: Where should the town build next? (line 11: question "
        "right after the comment prompt)\n",
        "    follow-up part: Second Bridge Ruled Out for Now (line 12: headline after "
        "the comment prompt: a follow-up story)\n",
    ]:
        assert expected in out, f"{expected!r} not in\n{out}"


@pytest.mark.django_db
def test_verbose_dry_run_names_the_rules_for_standfirst_tables_and_faq():
    standfirst = dry_run(SAMPLES / "standfirst-before-contents.txt", "-v", "2")
    assert (
        "  standfirst: The derelict factory will become workshops and a small museum "
        "by 2027. (line 2: short paragraph between the headline and the contents)\n"
    ) in standfirst
    tables = dry_run(SAMPLES / "tables-plain.txt", "-v", "2")
    assert "(line 4: pipe rows; the first row reads as the header)\n" in tables
    assert "caption (line 3: short line right above the table)\n" in tables
    assert "caption (line 17: “Table:” line)\n" in tables
    faq = dry_run(SAMPLES / "faq-question-lines.txt", "-v", "2")
    assert (
        "    Q: Why are the hours changing? (line 4: question line in the FAQ, with "
        "its answer under it)\n"
    ) in faq
    assert (
        "    Q: Is the café staying open? (line 10: “- Question? Answer.” in the FAQ)"
        in faq
    )


def test_describe_is_the_dry_runs_listing_without_the_file_name():
    text = (SAMPLES / "parts-and-follow-up.txt").read_text(encoding="utf-8")
    lines = describe(parse_article(text))
    assert lines[:4] == [
        "title: Town Plans a New Bridge Over the River Alde",
        "standfirst: (none)",
        "dateline: DUNMORE",
        "byline: (none)",
    ]
    assert lines[-1] == "warnings: none"
    assert not any("(line " in line for line in lines)
    assert any(
        "(line 3: " in line for line in describe(parse_article(text), rules=True)
    )
