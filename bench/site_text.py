"""Seeded text for the site benchmark's archive: article parts, tables, comments, people.

Words come from the search benchmark's corpus (``bench/search_corpus.py``), so
the vocabulary follows the same Zipf curve. Section bodies are Markdown, and
the HTML the site stores beside them must be what ``articles.markup`` makes of
them. Rendering a million paragraphs through markdown-it would take longer
than the whole fill, so:

- plain paragraphs (words and full stops, no Markdown syntax at all) are
  unique to each article, and their HTML is ``<p>…</p>`` around the text;
- paragraphs with emphasis, links, lists and quotations come from a pool
  rendered once by ``render_markdown()`` and reused.

A section's HTML is its blocks' HTML joined by a line break, and its plain
text is theirs joined by a blank line: what ``render_markdown()`` and
``html_to_text()`` give for the whole body. ``site_fill.check_derived()``
compares both with the site's own functions on a sample of every fill.
"""

from __future__ import annotations

import copy
import functools
import random
from dataclasses import dataclass

from bench.search_corpus import COLLOCATIONS, TOPICAL_WORDS, Corpus


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Ada Aisha Alan Amara Ana Anders Anna Arjun Ben Bruno Carla Chen Chloe Claire Daniel
David Elena Emma Erik Fatima Felix Grace Hannah Hugo Ibrahim Ines Ingrid Isaac Jamal
James Jonas Julia Kofi Lars Laura Leila Liam Lucia Malik Maria Marta Mateo Mei Nadia
Nina Noah Olga Omar Pablo Peter Priya Rosa Ruth Sam Sara Sofia Tariq Tom Vera Yusuf
Zoe
""")
LAST_NAMES = _words("""
Adeyemi Ahmed Andersen Berg Brown Campbell Castro Chen Costa Dubois Ellison Evans
Ferreira Fischer Garcia Haddad Hansen Ivanova Jensen Kaur Khan Kowalski Larsen Lopez
Marsh Martin Meyer Moreau Murphy Nakamura Novak Okafor Olsen Patel Petrov Quinn
Raman Rossi Santos Schmidt Silva Smit Solberg Tanaka Walsh Weber Wilson Wright Young
Zhang
""")
ROLES = (
    "Reporter",
    "Political correspondent",
    "Europe correspondent",
    "Business editor",
    "Science reporter",
    "Culture writer",
    "Data reporter",
    "Sports writer",
    "Health correspondent",
    "Environment editor",
)
CITIES = _words("""
London Paris Berlin Madrid Rome Warsaw Kyiv Brussels Geneva Vienna Lisbon Dublin
Athens Oslo Stockholm Helsinki Nairobi Lagos Cairo Delhi Tokyo Seoul Ottawa Lima
""")
USER_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
)
# (caption, column headings): the kinds of table a newsroom pastes.
TABLE_SHAPES = (
    ("Who wants what", ("Party", "Position", "Since")),
    ("Seats after the vote", ("Party", "Seats", "Change")),
    ("The budget in figures", ("Department", "£ million", "Change")),
    ("Key dates", ("Date", "Event", "Where")),
    ("Results by region", ("Region", "Turnout", "Leading party")),
)


@functools.cache
def _pristine_corpus(seed: int) -> Corpus:
    return Corpus(seed=seed)


def _fresh_corpus(seed: int) -> Corpus:
    """``Corpus(seed)``, without making its 30,000 rare words again for every fill."""
    corpus = copy.copy(_pristine_corpus(seed))
    corpus.rng = random.Random()
    corpus.rng.setstate(_pristine_corpus(seed).rng.getstate())
    return corpus


@dataclass(frozen=True)
class Block:
    """One Markdown block of a section: its source, HTML and plain text."""

    markdown: str
    html: str
    text: str
    is_rich: bool = False


class SiteText:
    """Everything the fill writes as text, drawn from one seeded generator."""

    def __init__(self, seed: int, rich_blocks: int) -> None:
        self.corpus = _fresh_corpus(seed)
        self.rng = random.Random(seed + 1)
        self.rich = [self._rich_block(n) for n in range(max(1, rich_blocks))]

    # -- words --------------------------------------------------------------

    def sentence(self, shortest: int, longest: int) -> str:
        return self.corpus.sentence(shortest, longest)

    def phrase(self, shortest: int, longest: int) -> str:
        """Sentence case, no full stop: headings, titles, link text."""
        return self.corpus.sentence(shortest, longest).rstrip(".")

    def question(self) -> str:
        return self.phrase(5, 12) + "?"

    def plain(self, shortest: int = 3, longest: int = 5) -> Block:
        """A paragraph of prose with no Markdown syntax in it."""
        text = " ".join(
            self.sentence(8, 22) for _ in range(self.rng.randint(shortest, longest))
        )
        return Block(text, f"<p>{text}</p>", text)

    # -- rendered pool ------------------------------------------------------

    def _rich_block(self, n: int) -> Block:
        from articles.markup import html_to_text, render_markdown

        kind = n % 4
        if kind == 0:
            words = self.sentence(10, 20).rstrip(".").split()
            words[1] = f"*{words[1]}*"
            words[-2] = f"**{words[-2]}**"
            link = self.phrase(2, 4).lower()
            markdown = (
                " ".join(words)
                + f", according to [{link}](https://example.org/reports/{n}). "
                + self.sentence(8, 18)
            )
        elif kind == 1:
            markdown = "\n".join(
                f"- {self.sentence(4, 12)}" for _ in range(self.rng.randint(3, 5))
            )
        elif kind == 2:
            markdown = "\n".join(
                f"{i}. {self.sentence(4, 12)}"
                for i in range(1, self.rng.randint(3, 5) + 1)
            )
        else:
            said = self.rng.choice(
                ("said the spokesman", "a minister said", "she said")
            )
            markdown = f"> “{self.sentence(8, 18).rstrip('.')},” {said}."
        html = render_markdown(markdown)
        return Block(markdown, html, html_to_text(html), is_rich=True)

    def body(self, paragraphs: int, rich_share: float = 0.2) -> list[Block]:
        """A section body: plain paragraphs, now and then a rich block between two."""
        blocks: list[Block] = []
        for _ in range(paragraphs):
            # Two rich blocks in a row could merge (two lists become one).
            if blocks and not blocks[-1].is_rich and self.rng.random() < rich_share:
                blocks.append(self.rng.choice(self.rich))
            blocks.append(self.plain())
        return blocks

    # -- tables and people --------------------------------------------------

    def table(self) -> tuple[str, list[list[str]], str]:
        """(caption, rows with the heading row first, source note)."""
        caption, headings = self.rng.choice(TABLE_SHAPES)
        rows = [list(headings)]
        for _ in range(self.rng.randint(3, 8)):
            rows.append(
                [
                    self.phrase(1, 3),
                    str(self.rng.randint(1, 900)),
                    self.rng.choice(("up", "down", "unchanged", "new"))
                    + f" {self.rng.randint(1, 40)}",
                ]
            )
        note = f"Source: {self.phrase(2, 4).lower()}" if self.rng.random() < 0.7 else ""
        return caption, rows, note

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def tag_names(self, count: int) -> list[str]:
        """``count`` distinct tag names (case-insensitively), topical words first."""
        names: list[str] = []
        seen: set[str] = set()
        pool = [w.capitalize() for w in TOPICAL_WORDS] + [
            c.title() for c in COLLOCATIONS
        ]
        for word in pool:
            if len(names) < count and word.lower() not in seen:
                seen.add(word.lower())
                names.append(word)
        tail = self.corpus.tail
        while len(names) < count:
            name = self.rng.choice(tail).capitalize()
            if self.rng.random() < 0.4:
                name += " " + self.rng.choice(tail)
            if name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        return names

    def comment(self) -> str:
        """A reader's comment: one to three short paragraphs, now and then a link."""
        paragraphs = [
            " ".join(self.sentence(5, 18) for _ in range(self.rng.randint(1, 3)))
            for _ in range(self.rng.choices((1, 2, 3), (70, 22, 8))[0])
        ]
        if self.rng.random() < 0.03:
            paragraphs[-1] += (
                f" https://example.org/letters/{self.rng.randint(1, 9999)}"
            )
        return "\n\n".join(paragraphs)
