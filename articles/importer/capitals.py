"""Capital letters the writer probably meant: kept as written, reported for the editor.

Only the article itself is the dictionary. A word it capitalises on its own
in mid-sentence ("in Paris today") is a name, so "paris" elsewhere is a slip;
a pair it writes "Donald Trump" makes "Donald trump" one. A heading or a
sentence that starts in lower case is one too. Titles ("president"), small
words, name particles ("de la", "van", "al-") and brand spellings ("iPhone")
are left alone, and so is a word after a colon, which may go either way.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import conventions as c
from .parsed import ParsedArticle
from .shapes import NAME_PARTICLES
from .text import heading_key, is_toc_title, markdown_heading, plain_inline

MAX_NOTES = 30
# Words looked at, at most: a long feature has some 10,000. Past this the
# text is not an article's, and the checks would only cost time.
MAX_WORDS = 50_000
MAX_WORD_CHARS = 40

_WORD = re.compile(r"[^\W\d_](?:[\w’'-]*[^\W_])?(?:\.(?:[^\W\d_]\.)+)?")
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*\s+$")
# A full stop straight before the space; "asked “why?” and" goes on after a quotation.
_PLAIN_END = re.compile(r"[.!?…]\s+$")
_OPENING_QUOTE = re.compile(r"[“\"‘'(«\[]\s*$")
_POSSESSIVE = re.compile(r"[’']s?$")

# Titles and offices: lower case is usual before a name ("French president
# Emmanuel Macron") and in ordinary use ("foreign help", "the Foreign Office").
_TITLES = {
    "president", "minister", "chancellor", "prime", "secretary", "senator",
    "governor", "mayor", "king", "queen", "prince", "princess", "pope", "general",
    "judge", "chief", "director", "spokesperson", "spokesman", "spokeswoman",
    "ambassador", "commissioner", "chairman", "chairwoman", "chair", "leader",
    "bishop", "professor", "doctor", "mr", "mrs", "ms", "dr", "sir", "lord", "lady",
    "deputy", "vice", "foreign", "interior", "defence", "defense", "state",
}  # fmt: skip
# Small words, whose capital only ever says a sentence or a title began.
_SMALL = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to",
    "for", "by", "with", "from", "as", "is", "it", "its", "this", "that", "these",
    "those", "he", "she", "we", "they", "i", "you", "his", "her", "their", "our",
    "be", "was", "were", "are", "not", "no", "so", "if", "then", "than", "into",
    "over", "after", "before", "while", "when", "where", "what", "who", "why",
    "how", "all", "any", "some", "one", "up", "out", "about", "via", "per", "vs",
}  # fmt: skip
# Words a full stop follows without ending the sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "vs", "etc", "approx", "cf", "inc",
    "ltd", "co", "corp", "jr", "sr", "prof", "gen", "gov", "sen", "rep", "fig",
    "vol", "ch", "p", "pp", "ed", "est", "dept", "ave", "rd", "mt", "ft", "lt",
    "col", "capt", "sgt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "al", "ca", "incl", "esp",
}  # fmt: skip


@dataclass
class Word:
    text: str
    at: int  # offset in its line
    starts: bool  # begins a sentence, a paragraph or a cell: either case is normal
    after_colon: bool
    # Certainly begins a sentence: after a full stop that closes no quotation.
    sentence_start: bool = False
    # In the "Label" of a "Label: text" point, which is written like a heading.
    in_label: bool = False

    @property
    def key(self) -> str:
        return _POSSESSIVE.sub("", self.text.casefold())

    @property
    def is_lower(self) -> bool:
        return self.text[0].islower() and not _mixed_case(self.text)

    @property
    def is_capital(self) -> bool:
        return self.text[0].isupper()

    @property
    def ordinary(self) -> bool:
        """Not a title, particle or small word: its case says something."""
        key = self.key.split("-")[0]
        return key not in _TITLES and key not in NAME_PARTICLES and key not in _SMALL


def _mixed_case(word: str) -> bool:
    return word[1:] != word[1:].lower()


@dataclass
class Line:
    number: int
    text: str
    words: list[Word]
    is_heading: bool
    opens_paragraph: bool
    # List items and table cells may start in lower case.
    checks_starts: bool = True


def capitalisation_warnings(lines: list[str], article: ParsedArticle) -> list[str]:
    """Warnings, with line numbers, for lower-case letters that look like slips.

    ``lines`` are the file's lines; ``article`` tells which are headings.
    """
    read = _read_lines(lines, article)
    body = [line for line in read if not line.is_heading]
    names = _names(body)
    pairs = _pairs(body)
    notes: list[str] = []
    for line in read:
        notes += _line_notes(line, names, pairs)
    if len(notes) > MAX_NOTES:
        more = len(notes) - MAX_NOTES
        notes = [*notes[:MAX_NOTES], f"… and {more} more notes about capital letters"]
    return notes


def _read_lines(lines: list[str], article: ParsedArticle) -> list[Line]:
    headings = {article.found["title"].line} if "title" in article.found else set()
    keys = {heading_key(article.title)}
    for section in article.sections:
        for text, found in (
            (section.heading, section.found),
            (section.part_heading, section.part_found),
        ):
            if text and found:
                headings.add(found.line)
                keys.add(heading_key(text))
    read: list[Line] = []
    previous = ""
    in_contents = False  # the entries of a contents list repeat the headings
    budget = MAX_WORDS
    for number, raw in enumerate(lines, start=1):
        if budget <= 0:
            break
        if is_toc_title(raw):
            in_contents = True
        elif in_contents and raw.strip() and c.toc_entry(raw) is None:
            in_contents = False
        text = None if in_contents else _content(raw, keys)
        if text is None:
            previous = raw
            continue
        opens = (
            not previous.strip()
            or number - 1 in headings
            or bool(_SENTENCE_END.search(previous.rstrip() + " "))
            or _is_block_line(previous)
        )
        item = (
            c.bullet_item(raw) is not None
            or c.numbered_item(raw) is not None
            or ("|" in raw and not markdown_heading(raw))
        )
        words = _words(text, limit=budget)
        budget -= len(words)
        if (label := c.labelled_line(text)) and not markdown_heading(raw):
            for word in words:
                word.in_label = word.at < len(label[0])
        read.append(Line(number, text, words, number in headings, opens, not item))
        previous = raw
    return read


def _is_block_line(line: str) -> bool:
    return bool(
        markdown_heading(line)
        or c.bullet_item(line) is not None
        or c.numbered_item(line) is not None
        or "|" in line
    )


def _content(raw: str, heading_keys: set[str]) -> str | None:
    """The words a reader sees on the line; None for the contents list and dividers."""
    if not raw.strip() or c.is_rule(raw):
        return None
    heading = markdown_heading(raw)
    if heading:
        return heading[1]
    entry = c.toc_entry(raw)
    if entry and heading_key(entry[1]) in heading_keys:
        return None  # an entry of the contents list: its heading is checked
    for item in (c.bullet_item(raw), c.quoted_line(raw)):
        if item is not None:
            return plain_inline(item)
    numbered = c.numbered_item(raw)
    if numbered:
        return plain_inline(numbered[1])
    if "|" in raw:
        # Each cell starts afresh, like a sentence.
        return " | ".join(
            plain_inline(cell) for cell in raw.strip().strip("|").split("|")
        )
    return plain_inline(raw)


def _words(text: str, limit: int = MAX_WORDS) -> list[Word]:
    """The words of a line, each knowing whether it starts a sentence or follows a colon.

    What comes between two words is looked at once, so a long line costs
    no more than its length.
    """
    words: list[Word] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        if len(words) >= limit:
            break
        if match.end() - match.start() > MAX_WORD_CHARS:
            # No name is this long: an address, or a crafted line.
            previous_end = match.end()
            continue
        between = text[previous_end : match.start()]
        gap = between.rstrip()
        if not words:
            starts = sentence_start = not gap.strip(" *_“\"‘'(«[")
        else:
            full_stop = not _abbreviation(words[-1].text + gap)
            starts = bool(_SENTENCE_END.search(between)) and full_stop
            starts = starts or gap.endswith("|")
            sentence_start = bool(_PLAIN_END.search(between)) and full_stop
        after_colon = gap.endswith(":")
        words.append(
            Word(
                match.group(),
                match.start(),
                starts or after_colon,
                after_colon,
                sentence_start=sentence_start and not after_colon,
            )
        )
        previous_end = match.end()
    return words


def _abbreviation(before: str) -> bool:
    """Whether the full stop ending ``before`` closes an abbreviation ("a.m.", "Mr.")."""
    stripped = before.rstrip()
    if stripped.endswith(("...", "…")):
        return True
    if not stripped.endswith("."):
        return False
    word = stripped[:-1].split()[-1] if stripped[:-1].split() else ""
    return "." in word or len(word) == 1 or word.casefold() in _ABBREVIATIONS


def _names(body: list[Line]) -> Counter[str]:
    """Words capitalised on their own in mid-sentence, with how often, less their lower-case uses."""
    capital: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for line in body:
        for n, word in enumerate(line.words):
            if not word.ordinary or word.in_label:
                continue
            if word.is_lower:
                lower[word.key] += 1
            elif word.is_capital and not word.starts and _alone(line.words, n):
                capital[word.key] += 1
    return Counter({key: n for key, n in capital.items() if n >= 2 and n > lower[key]})


def _alone(words: list[Word], n: int) -> bool:
    """Whether no capitalised word but "The" or a title stands right next to ``words[n]``."""
    for m in (n - 1, n + 1):
        if (
            0 <= m < len(words)
            and words[m].is_capital
            and words[m].ordinary
            and _adjacent(words, n, m)
        ):
            return False
    return True


def _adjacent(words: list[Word], n: int, m: int) -> bool:
    first, second = sorted((n, m))
    gap = words[second].at - (words[first].at + len(words[first].text))
    return gap == 1 and not words[second].starts


def _pairs(body: list[Line]) -> set[tuple[str, str]]:
    """Two capitalised words written together in mid-sentence: "Donald Trump"."""
    pairs = set()
    for line in body:
        words = line.words
        for n in range(len(words) - 1):
            one, two = words[n], words[n + 1]
            if (
                one.is_capital
                and two.is_capital
                and not one.starts
                and not two.starts
                and one.ordinary
                and two.ordinary
                and not one.in_label
                and _adjacent(words, n, n + 1)
            ):
                pairs.add((one.key, two.key))
    return pairs


def _line_notes(
    line: Line, names: Counter[str], pairs: set[tuple[str, str]]
) -> list[str]:
    words, notes, reported = line.words, [], set()
    if (
        line.is_heading
        and words
        and words[0].starts  # "2024 in Review" starts with its year
        and words[0].is_lower
        and words[0].ordinary
    ):
        shown = " ".join(w.text for w in words[:2])
        notes.append(
            f"line {line.number}: “{shown}” — lower-case word at the start of a heading"
        )
        reported.add(0)
    for n in range(len(words) - 1):
        one, two = words[n], words[n + 1]
        if (
            (one.is_lower or two.is_lower)
            and (one.key, two.key) in pairs
            and _adjacent(words, n, n + 1)
            and not ({n, n + 1} & reported)
        ):
            notes.append(
                f"line {line.number}: “{one.text} {two.text}” — a name with a "
                "lower-case part"
            )
            reported |= {n, n + 1}
    for n, word in enumerate(words):
        if n in reported or word.in_label or not word.is_lower:
            continue
        if word.key in names and word.ordinary and not word.after_colon:
            notes.append(
                f"line {line.number}: “{word.text}” — lower-case, but written "
                f"“{word.text[0].upper() + word.text[1:]}” elsewhere in the article"
            )
        elif (
            word.sentence_start
            and line.checks_starts
            and not line.is_heading
            and word.key not in NAME_PARTICLES
        ):
            if n == 0 and not line.opens_paragraph:
                continue  # the line carries on a sentence from the line before
            if _quoted(line, word):
                continue  # a quotation may start mid-sentence
            where = "paragraph" if n == 0 else "sentence"
            notes.append(
                f"line {line.number}: “{word.text}” — lower-case word at the start "
                f"of a {where}"
            )
    return notes


def _quoted(line: Line, word: Word) -> bool:
    return bool(_OPENING_QUOTE.search(line.text[max(word.at - 3, 0) : word.at]))
