"""Line-level recognisers for the article importer.

Each function looks at one line (or a short string) and says what it is:
a list item, a Markdown heading, a "Did you know?" box, a dateline… The
parser in ``parser.py`` decides what to do with the answers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from django.utils.text import Truncator, slugify

from ..markup import escape_markdown

MAX_TITLE_CHARS = 200
MAX_HEADING_CHARS = 300
MAX_QUESTION_CHARS = 300
MAX_PROMPT_CHARS = 300
MAX_CAPTION_CHARS = 300
MAX_DATELINE_CHARS = 60


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` without a byte-order mark, line-ending variants or control characters."""
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [_CONTROL.sub("", line.replace("\t", "    ")).rstrip() for line in lines]


# C0/C1 control characters other than tab; they only corrupt what readers see
# (and PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


# Embedding, override and isolate controls reorder the text around them: with
# U+202E a title "Minutes\u202efdp.exe" shows as "Minutesexe.pdf", and in a
# headline list or a feed the reordering can run into the text that follows.
# Marks (U+200E, U+200F, U+061C) and joiners (U+200C, U+200D) stay: they only
# settle the direction of neutral characters or shape a script or an emoji.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)


def one_line(text: str) -> str:
    """Text shown as a label (title, heading, caption, question): spaces collapsed, bidi controls removed."""
    return collapse_spaces(strip_bidi_controls(text))


_INVISIBLE = {"Cc", "Cf", "Mn", "Me", "Zl", "Zp", "Zs"}


def has_visible_text(text: str) -> bool:
    """Whether ``text`` shows anything beyond spaces, combining marks and format characters."""
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)


# -- inline Markdown -------------------------------------------------------

_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_HREF_END = re.compile(r"[)\s]")


def replace_links(text: str, replace: Callable[[str, str], str]) -> str:
    """``text`` with each Markdown link ``[label](address)`` replaced by ``replace(label, address)``.

    A label runs to the first "]" and an address to the first ")" or space.
    Both look-aheads are remembered from one "[" to the next, so the scan is
    linear: a regular expression would read the same text again for every
    "[" and take minutes on a line of brackets.
    """
    parts: list[str] = []
    done = 0  # text[:done] is in parts already
    close = href_end = -1  # the next "]", and the next ")" or space, found so far
    start = text.find("[")
    while start != -1:
        if close <= start:
            close = text.find("]", start + 1)
            if close == -1:
                break
        if close > start + 1 and text.startswith("(", close + 1):
            if href_end < close + 2:
                found = _HREF_END.search(text, close + 2)
                href_end = found.start() if found else len(text)
            if text.startswith(")", href_end):
                label, href = text[start + 1 : close], text[close + 2 : href_end]
                parts += [text[done:start], replace(label, href)]
                done = href_end + 1
                start = text.find("[", done)
                continue
        start = text.find("[", start + 1)
    parts.append(text[done:])
    return "".join(parts)


def _link_as_text(label: str, href: str) -> str:
    return label if not href or href.startswith("#") else f"{label} ({href})"


def plain_inline(text: str) -> str:
    """Text of a Markdown fragment shown as plain text (headings, table cells, questions).

    Links keep their address in brackets so nothing the writer gave is lost.
    """
    return one_line(_EMPHASIS.sub("", replace_links(text, _link_as_text)))


def inline_text(text: str, markdown: bool) -> str:
    """Text shown outside a section body: Markdown markup removed, plain text as is."""
    return plain_inline(text) if markdown else one_line(text)


_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_plain(line: str) -> str:
    """Markdown that renders one line of plain text exactly as written."""
    # "&amp;" typed in plain text means those five characters, not "&".
    return _ENTITY.sub(r"\\&", escape_markdown(line.strip()))


# -- headings --------------------------------------------------------------

_QUOTES = re.compile("[\"'‘’‚‛“”„‟«»‹›′″`´]")
# Spaces are collapsed first: "\s*" on both sides of a dash or "&" would
# make the engine try every run of spaces once per space in it.
_DASHES = re.compile(r" ?[‐‑‒–—―−-]+ ?")
_NUMBERING = re.compile(r"^\d{1,3}[.)]\s+")
_AMPERSAND = re.compile(r" ?& ?")


# Nothing but letters, digits, spaces and plain punctuation: of heading_key's
# steps only the last ones change anything. Most lines of a long file are
# like this, and every line is looked at.
_SIMPLE_HEADING = re.compile(r"[A-Za-z][A-Za-z0-9 ,;:.!?()/]*")


def heading_key(text: str) -> str:
    """What two spellings of one heading have in common: case, quotes, dashes and numbering ignored."""
    if _SIMPLE_HEADING.fullmatch(stripped := text.strip()):
        return collapse_spaces(stripped).strip(" :.").lower()
    key = unicodedata.normalize("NFKC", strip_bidi_controls(text))
    key = _without_heading_hashes(key)
    key = _EMPHASIS.sub("", replace_links(key, lambda label, href: label))
    key = _NUMBERING.sub("", key.strip())
    key = collapse_spaces(_QUOTES.sub("", key))
    key = _AMPERSAND.sub(" and ", _DASHES.sub("-", key))
    return collapse_spaces(key).strip(" :.").casefold()


_WRAPPED = re.compile(r"^(\*\*|__)(.+)\1$")


def heading_text(line: str, markdown: bool) -> str:
    """A heading line as shown: Markdown markup and bold wrapping removed."""
    heading = markdown_heading(line)
    if heading:
        return heading[1]
    wrapped = _WRAPPED.match(line.strip())
    return inline_text(wrapped.group(2) if wrapped else line, markdown)


_MARKDOWN_HEADING = re.compile(r"\s{0,3}(#{1,6})\s++(.*)")


def markdown_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading such as "## Reaction", else None."""
    match = _MARKDOWN_HEADING.fullmatch(line)
    if not match:
        return None
    text = plain_inline(_without_closing_hashes(match.group(2)))
    return (len(match.group(1)), text) if text else None


def _without_heading_hashes(text: str) -> str:
    """``text`` without the "## " that opens an ATX heading or the " ##" that may close it."""
    opening = _MARKDOWN_HEADING.match(text)
    return _without_closing_hashes(text[opening.start(2) :] if opening else text)


def _without_closing_hashes(text: str) -> str:
    # Closing hashes need a space before them: "C#" keeps its "#".
    # (rstrip rather than a regular expression, which would try every run of
    # spaces in a long line as the one before the hashes.)
    trimmed = text.rstrip()
    bare = trimmed.rstrip("#")
    return bare.rstrip() if bare != trimmed and bare[-1:].isspace() else text


_SETEXT_UNDERLINE = re.compile(r"\s{0,3}(=+|-{2,})\s*")
_RULE = re.compile(r"\s*([-*_=~])(\s*\1){2,}\s*")


def is_setext_underline(line: str) -> bool:
    return bool(_SETEXT_UNDERLINE.fullmatch(line))


def is_rule(line: str) -> bool:
    """A decorative divider line such as "---" or "* * *"."""
    return bool(_RULE.fullmatch(line))


_TOC_TITLES = {"table of contents", "contents", "in this article", "in this story"}
_FAQ_TITLES = {
    "frequently asked questions",
    "faq",
    "faqs",
    "q and a",
    "qanda",
    "questions and answers",
    "your questions answered",
}


def is_toc_title(line: str) -> bool:
    return heading_key(line) in _TOC_TITLES


def is_faq_title(text: str) -> bool:
    if text.isascii() and "q" not in text.casefold():
        return False  # every FAQ title has a "q"; quick for the lines that do not
    key = heading_key(text)
    return key in _FAQ_TITLES or key.startswith("frequently asked questions")


_TOC_ENTRY = re.compile(r"^\s*(?:[-*+•]\s+)?(?:(\d{1,3})[.)]\s+)?(\S.*)$")


def toc_entry(line: str) -> tuple[int | None, str] | None:
    """(number or None, heading) of a table-of-contents line like "- 3. Reaction"."""
    if not (bullet_item(line) or numbered_item(line)):
        return None
    match = _TOC_ENTRY.match(line)
    number = int(match.group(1)) if match.group(1) else None
    text = plain_inline(match.group(2))
    return (number, text) if text else None


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


def comment_prompt(line: str, markdown: bool) -> str | None:
    """The comment invitation ("Share your thoughts: …") as readers should see it."""
    quoted = quoted_line(line)
    text = inline_text(quoted if quoted is not None else line, markdown)
    if _PROMPT.match(text) and len(text) <= MAX_PROMPT_CHARS:
        return text
    return None


_QUESTION_END = re.compile(r"\?[”\"’'»)]*(?:\*\*|__)?(?=\s|$)")
# Possessive spaces: "\s*(?:\*\*)?\s*" could split a run of spaces between the
# two in as many ways as it is long.
_QA_LINE = re.compile(r"^(?:\*\*)?([QA])(?:\*\*)?\s*[:.)]\s*+(?:\*\*)?\s*+(\S.*)$")


def split_question(text: str, markdown: bool) -> tuple[str, str] | None:
    """(question, answer) split after the first question mark; answer may be empty."""
    match = _QUESTION_END.search(text)
    if not match:
        return None
    question = inline_text(text[: match.end()], markdown)
    answer = text[match.end() :].strip()
    if (
        not question.rstrip("”\"’'») ").endswith("?")
        or len(question) > MAX_QUESTION_CHARS
    ):
        return None
    return question, answer


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
_DATELINE = re.compile(
    rf"^(?:\*\*|__)?(?P<dateline>{_WORD}(?:\s+{_WORD}){{0,3}}"
    rf"(?:,\s*{_WORD}(?:\s+{_WORD}){{0,2}})?(?:,\s*{_DATE})?)(?:\*\*|__)?"
    r"(?:\s+[–—-]{1,2}\s+|\s*—\s*)(?P<rest>\S.*)$"
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
}  # fmt: skip
_SENTENCE_START = re.compile(r"^[\"“‘'(«]?[^\W_a-z]")


def split_dateline(paragraph: str) -> tuple[str, str] | None:
    """(dateline, rest) for "London – Russia has…" and the like; None for ordinary sentences."""
    match = _DATELINE.match(paragraph.strip())
    if not match:
        return None
    dateline, rest = match.group("dateline").strip(), match.group("rest")
    place = dateline.split(",")[0].split()
    if (
        len(dateline) > MAX_DATELINE_CHARS
        or not _SENTENCE_START.match(rest)
        or place[0].casefold() in _CONNECTORS
        or place[-1].casefold() in _CONNECTORS
        or any(w.casefold().strip(".") in _NOT_PLACES for w in place)
        or not all(w[0].isupper() or w.casefold() in _CONNECTORS for w in place)
    ):
        return None
    return dateline, rest


# -- tables and slugs --------------------------------------------------------

_CAPTION_LINE = re.compile(r"^(?:table(?:\s+\d+)?|caption)\s*[:.–—-]\s*(\S.*)$", re.I)
_SOURCE_LINE = re.compile(r"^(?:sources?|data)\s*:\s*(\S.*)$", re.IGNORECASE)


def caption_line(line: str, markdown: bool) -> str | None:
    match = _CAPTION_LINE.match(inline_text(line, markdown))
    return (
        match.group(1) if match and len(match.group(1)) <= MAX_CAPTION_CHARS else None
    )


def source_line(line: str, markdown: bool) -> str | None:
    match = _SOURCE_LINE.match(inline_text(line, markdown))
    return match.group(1) if match and len(match.group(1)) <= 300 else None


def table_caption(header: list[str], fallback: str) -> str:
    """A caption made from the header cells ("Key Player and Position"), or the fallback."""
    cells = [cell for cell in header if cell.strip()]
    if len(cells) > 4:
        caption = f"{', '.join(cells[:3])} and {len(cells) - 3} more columns"
    elif len(cells) > 1:
        caption = f"{', '.join(cells[:-1])} and {cells[-1]}"
    else:
        caption = cells[0] if cells else fallback
    return Truncator(one_line(caption) or "Table").chars(MAX_CAPTION_CHARS)


def slug_for_title(title: str, max_length: int = 200) -> str:
    """The ASCII slug an article with this title gets; stable, never empty."""
    slug = slugify(title)[:max_length].strip("-")
    if slug:
        return slug
    # Titles in scripts slugify cannot spell in ASCII still need a stable address.
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    return f"article-{digest}"
