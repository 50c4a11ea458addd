"""Synthetic news articles for the search benchmark: seeded, so every run is the same.

Words follow a Zipf distribution over a vocabulary shaped like news English:
function words first, then everyday news words, then topical words, then a
long tail of made-up words standing in for names and rare terms. Sentences
sometimes carry a fixed collocation ("prime minister", "interest rates") so
that phrase searches find adjacent words as they would in real reporting.
"""

from __future__ import annotations

import itertools
import random


def _words(text: str) -> list[str]:
    return text.split()


FUNCTION_WORDS = _words("""
the of and to a in that is for on it with as was he said by at from his an be
have has but are not they were this who had their which or been will after
more one its new about would up than also two into over she her there out when
some all could first other can we if only most then where no so while
""")

NEWS_WORDS = _words("""
government people year years time week country police president minister state
city officials report public national money leaders health election support
security company court house economic military group women children law plan
market day world party bank war forces home talks deal vote tax prices workers
union trade border crisis energy climate school power water families council
million billion percent month months spokesman statement agency region members
community economy policy foreign service officers authorities business growth
rules campaign protest opposition budget schools hospital doctors patients
reform investment industry jobs wages housing transport farmers weather storm
""")

TOPICAL_WORDS = _words("""
referendum ceasefire negotiator archipelago turbine glacier vaccine inflation
tribunal parliament coalition drought harvest refinery pipeline lithium
satellite volcano earthquake embargo sanctions mediator diplomat envoy
guarantee guarantees guaranteed guaranteeing pension pensions subsidy tariff
tariffs asylum refugees wildfire flooding heatwave cyberattack ransomware
semiconductor shipyard fishery vineyard orchard monastery cathedral museum
orchestra festival marathon championship tournament stadium referee
""")

COLLOCATIONS = [
    "prime minister",
    "climate change",
    "interest rates",
    "peace talks",
    "united nations",
    "supreme court",
    "central bank",
    "health service",
    "general election",
    "human rights",
    "foreign minister",
    "public inquiry",
]

_SYLLABLES = _words(
    "ba ko ri tan mel vor sa lin den qua pre sto mi gal ter ru zen ol fa nis ap "
    "ex cor dra ul ven"
)


class Corpus:
    def __init__(self, seed: int = 20240531, tail_words: int = 30_000) -> None:
        self.rng = random.Random(seed)
        tail: set[str] = set()
        while len(tail) < tail_words:
            tail.add(
                "".join(
                    self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 4))
                )
            )
        # Topical words sit after the everyday ones and a slice of the tail,
        # so they are uncommon but not unique, as real topical words are.
        tail_list = sorted(tail)
        self.vocabulary = (
            FUNCTION_WORDS
            + NEWS_WORDS
            + tail_list[:2500]
            + TOPICAL_WORDS
            + tail_list[2500:]
        )
        weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(self.vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))
        self.tail = tail_list

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def sentence(self, shortest: int, longest: int) -> str:
        words = self.words(self.rng.randint(shortest, longest))
        if self.rng.random() < 0.02:
            words.insert(
                self.rng.randrange(len(words) + 1), self.rng.choice(COLLOCATIONS)
            )
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def article(self) -> tuple[str, str, str]:
        """A (title, standfirst, body) triple; bodies run to about 400–900 words."""
        title = self.sentence(5, 10).rstrip(".")
        standfirst = self.sentence(14, 28)
        paragraphs = [
            " ".join(self.sentence(8, 24) for _ in range(self.rng.randint(3, 5)))
            for _ in range(self.rng.randint(5, 9))
        ]
        return title, standfirst, "\n\n".join(paragraphs)
