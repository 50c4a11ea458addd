"""The newsroom's writing conventions, recognised in one line of text at a time.

A list item, a "Label: text" point, a "Did you know?" box, the "Share your
thoughts:" prompt, FAQ questions, a byline, a dateline, a table's caption and
source. Plain text hands these functions its raw lines; the Markdown path
hands them the text of its parsed lines. Either way the caller decides what
to do with the answers.
"""

from __future__ import annotations

import re

from .text import (
    MAX_CAPTION_CHARS,
    MAX_DATELINE_CHARS,
    MAX_PROMPT_CHARS,
    MAX_QUESTION_CHARS,
    is_rule,
    one_line,
    plain_inline,
)

# -- lists, quotes and labelled lines ---------------------------------------

_BULLET = re.compile(r"^\s*[-*+•–]\s+(\S.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")


def bullet_item(line: str) -> str | None:
    match = _BULLET.match(line)
    return match.group(1).strip() if match and not is_rule(line) else None


def numbered_item(line: str) -> tuple[int, str] | None:
    match = _NUMBERED.match(line)
    return (int(match.group(1)), match.group(2).strip()) if match else None


def quoted_line(line: str) -> str | None:
    match = _QUOTE.match(line)
    return match.group(1).strip() if match else None


_TOC_ENTRY = re.compile(r"^\s*(?:[-*+•]\s+)?(?:(\d{1,3})[.)]\s+)?(\S.*)$")


def toc_entry(line: str) -> tuple[int | None, str] | None:
    """(number or None, heading) of a table-of-contents line like "- 3. Reaction"."""
    if not (bullet_item(line) or numbered_item(line)):
        return None
    match = _TOC_ENTRY.match(line)
    number = int(match.group(1)) if match.group(1) else None
    text = plain_inline(match.group(2))
    return (number, text) if text else None


_LABEL = re.compile(r"^(?:\*\*)?([^\W\d_][^:*]{0,58}?)(?:\*\*)?\s*:(?:\*\*)?\s+(\S.*)$")
# Words that make "X said: …" a quotation rather than a labelled point.
_SPEECH = {"said", "says", "added", "told", "stated", "asked", "replied", "wrote"}
_NOT_LABELS = {"source", "sources", "table", "caption", "q", "a", "note", "photo"}


def labelled_line(line: str) -> tuple[str, str] | None:
    """(label, text) of a line like "Economic Strain: Sanctions are…", else None."""
    match = _LABEL.match(line.strip())
    if not match:
        return None
    label, rest = match.group(1).strip(), match.group(2).strip()
    words = label.split()
    if (
        not label[0].isupper()
        or len(words) > 6
        or any(mark in label for mark in '?!“”"()[]')
        or "http" in label.casefold()
        or words[-1].casefold() in _SPEECH
        or label.casefold() in _NOT_LABELS
    ):
        return None
    return label, rest


# -- boxes, prompts, FAQ lines -----------------------------------------------

_CALLOUT = re.compile(
    r"^(\*\*|__)?\s*did\s+you\s+know\s*[?!:]+\s*(\*\*|__)?\s*[:–—-]?\s*", re.IGNORECASE
)
CALLOUT_HEADING = "Did you know?"


def is_callout_heading(text: str) -> bool:
    found = callout_start(text)
    return found is not None and not found[0]


def callout_start(line: str) -> tuple[str, bool] | None:
    """(rest of line, was quoted) for "Did you know? …" lines, else None."""
    quoted = quoted_line(line)
    text = quoted if quoted is not None else line.strip()
    match = _CALLOUT.match(text)
    if not match:
        return None
    return text[match.end() :].strip(), quoted is not None


_PROMPT = re.compile(
    r"^(share your thoughts|have your say|join the conversation|tell us what you think)"
    r"\s*[:?!.–—-]",
    re.IGNORECASE,
)


def comment_prompt(line: str) -> str | None:
    """The comment invitation ("Share your thoughts: …") as readers should see it."""
    quoted = quoted_line(line)
    text = one_line(quoted if quoted is not None else line)
    if _PROMPT.match(text) and len(text) <= MAX_PROMPT_CHARS:
        return text
    return None


_QUESTION_END = re.compile(r"\?[”\"’'»)]*(?:\*\*|__)?(?=\s|$)")
# Possessive spaces: "\s*(?:\*\*)?\s*" could split a run of spaces between the
# two in as many ways as it is long.
_QA_LINE = re.compile(r"^(?:\*\*)?([QA])(?:\*\*)?\s*[:.)]\s*+(?:\*\*)?\s*+(\S.*)$")


def question_end(text: str) -> int | None:
    """Where the question that ``text`` opens with ends (after its "?"), if it does.

    A "?" inside double quotes belongs to the quotation ("Is the “Why not?”
    campaign legal?"), unless the quotation is the whole question.
    """
    opened: int | None = None  # where the innermost open double quotation began
    scanned = 0
    for match in _QUESTION_END.finditer(text):
        for n in range(scanned, match.start()):
            character = text[n]
            if character in "“„«":
                opened = n
            elif character in "”»":
                opened = None
            elif character == '"':
                opened = n if opened is None else None
        scanned = match.start()
        if opened is None or (opened == 0 and text[match.start() + 1 : match.end()]):
            return match.end()
    return None


def is_question(question: str) -> bool:
    """Whether the text before ``question_end`` reads as an FAQ question."""
    return (
        question.rstrip(
            "”\"’'») "  # pragma: no mutate
        ).endswith("?")
        and len(question) <= MAX_QUESTION_CHARS
    )


def split_question(text: str) -> tuple[str, str] | None:
    """(question, answer) split after the first question mark; answer may be empty."""
    end = question_end(text)
    if end is None:
        return None
    question = one_line(text[:end])
    return (question, text[end:].strip()) if is_question(question) else None


def qa_line(line: str) -> tuple[str, str] | None:
    """("Q" or "A", text) for interview-style "Q: …" / "A: …" lines."""
    match = _QA_LINE.match(line.strip())
    return (match.group(1), match.group(2).strip()) if match else None


# -- bylines and datelines -------------------------------------------------

_BYLINE = re.compile(r"^by\s+(.{2,150})$", re.IGNORECASE)
_NAME = re.compile(r"^[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,4}$")


def byline_names(line: str) -> list[str]:
    """Names in a "By Ana Silva and Tom Reed" line; empty when the line is not a byline."""
    match = _BYLINE.match(plain_inline(line).strip())
    if not match:
        return []
    names = [
        name.strip()
        for name in re.split(r",\s*|\s+and\s+|\s*&\s*", match.group(1).rstrip("."))
    ]
    if not names or not all(
        _NAME.match(n) and all(w[0].isupper() for w in n.split()) for n in names
    ):
        return []
    return names


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|{_DAY})"
_WORD = r"[^\W\d_][\w.'’-]*"
# "WASHINGTON (Reuters) -": an agency in brackets may follow the place.
_AGENCY = r"\s+\([^\W\d_][\w .&'’-]{0,30}\)"
_DATELINE = re.compile(
    rf"^(?:\*\*|__)?(?P<dateline>{_WORD}(?:\s+{_WORD}){{0,3}}"
    rf"(?:,\s*{_WORD}(?:\s+{_WORD}){{0,2}})?(?:,\s*{_DATE})?(?:{_AGENCY})?)"
    r"(?:\*\*|__)?(?:\s+[–—-]{1,2}\s+|\s*—\s*)(?P<rest>\S.*)$"
)
# Lower-case words allowed inside a place name (Rio de Janeiro, Stratford upon Avon).
_CONNECTORS = {"de", "da", "do", "dos", "del", "la", "le", "les", "upon", "on", "am"}
_CONNECTORS |= {"an", "der", "den", "of", "al", "el", "sur", "y", "and"}
# Capitalised words that start sentences, not datelines ("The President – who …").
_NOT_PLACES = {
    "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those",
    "there", "here", "but", "and", "or", "so", "yet", "however", "meanwhile",
    "president", "minister", "officials", "police", "government", "mr", "mrs",
    "ms", "dr", "sir", "spokesperson", "spokesman", "spokeswoman", "critics",
    "experts", "analysts", "residents", "people", "today", "yesterday", "tomorrow",
    "update", "updated", "breaking", "exclusive", "analysis", "opinion",
    "editorial", "note", "correction", "warning", "chancellor", "prime", "king",
    "queen", "pope", "mayor", "ceo", "one", "two", "some", "many", "most", "all",
    "every", "each", "no", "not", "if", "when", "while", "after", "before",
    "yes", "finally", "first", "then", "now", "still", "instead", "also", "again",
    "indeed", "sadly", "luckily", "thankfully", "well", "later", "earlier", "next",
    "last", "everyone", "nobody", "nothing", "someone", "something",
}  # fmt: skip
_SENTENCE_START = re.compile(r"^[\"“‘'(«]?[^\W_a-z]")


def split_dateline(paragraph: str) -> tuple[str, str] | None:
    """(dateline, rest) for "London – Russia has…" and the like; None for ordinary sentences."""
    match = _DATELINE.match(paragraph.strip())
    if not match:
        return None
    dateline, rest = match.group("dateline").strip(), match.group("rest")
    place = dateline.split(",")[0].split(" (")[0].split()
    if (
        len(dateline) > MAX_DATELINE_CHARS
        or not _SENTENCE_START.match(rest)
        or place[0].casefold() in _CONNECTORS
        or place[-1].casefold() in _CONNECTORS
        or any(
            w.casefold().strip(".") in _NOT_PLACES  # pragma: no mutate
            for w in place
        )
        or not all(w[0].isupper() or w.casefold() in _CONNECTORS for w in place)
    ):
        return None
    return dateline, rest


# -- tables ------------------------------------------------------------------

_CAPTION_LINE = re.compile(r"^(?:table(?:\s+\d+)?|caption)\s*[:.–—-]\s*(\S.*)$", re.I)
_SOURCE_LINE = re.compile(r"^(?:sources?|data)\s*:\s*(\S.*)$", re.IGNORECASE)


def caption_line(line: str) -> str | None:
    match = _CAPTION_LINE.match(one_line(line))
    return (
        match.group(1) if match and len(match.group(1)) <= MAX_CAPTION_CHARS else None
    )


def source_line(line: str) -> str | None:
    match = _SOURCE_LINE.match(one_line(line))
    return match.group(1) if match and len(match.group(1)) <= 300 else None
