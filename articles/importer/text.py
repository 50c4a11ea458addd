"""Text as readers see it, and the plain-text path's reading of inline markup.

Lines are cleaned (control characters, line endings), labels are put on one
line without bidirectional controls, headings are compared by ``heading_key``.
Plain text does not go through the Markdown parser, so the few pieces of
Markdown that wire copy carries anyway ("## Heading", "**bold**", a link in
a contents list) are read here with hand-written scanners.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from django.utils.text import slugify

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


_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_plain(line: str) -> str:
    """Markdown that renders one line of plain text exactly as written."""
    # "&amp;" typed in plain text means those five characters, not "&".
    return _ENTITY.sub(r"\\&", escape_markdown(line.strip()))


def slug_for_title(title: str, max_length: int = 200) -> str:
    """The ASCII slug an article with this title gets; stable, never empty."""
    slug = slugify(title)[:max_length].strip("-")  # pragma: no mutate
    if slug:
        return slug
    # Titles in scripts slugify cannot spell in ASCII still need a stable address.
    digest = hashlib.sha1(
        title.encode("utf-8")  # pragma: no mutate
    ).hexdigest()[:10]
    return f"article-{digest}"


# -- inline markup in plain text ---------------------------------------------

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
    done = 0  # text[:done] is in parts already  # pragma: no mutate
    # The next "]", and the next ")" or space, found so far.
    close = href_end = -1  # pragma: no mutate
    start = text.find("[")
    while start != -1:
        if close <= start:  # pragma: no mutate
            close = text.find("]", start + 1)
            if close == -1:
                break
        if close > start + 1 and text.startswith("(", close + 1):
            if href_end < close + 2:  # pragma: no mutate
                found = _HREF_END.search(text, close + 2)
                href_end = found.start() if found else len(text)
            if text.startswith(")", href_end):
                label, href = text[start + 1 : close], text[close + 2 : href_end]
                parts += [text[done:start], replace(label, href)]
                done = href_end + 1
                start = text.find("[", done)
                continue
        start = text.find("[", start + 1)  # pragma: no mutate
    parts.append(text[done:])
    return "".join(parts)


def link_as_text(label: str, href: str) -> str:
    """How a link reads where no link can be shown: its label, and its address unless local."""
    return label if not href or href.startswith("#") else f"{label} ({href})"


def plain_inline(text: str) -> str:
    """Text of a line's inline markup shown as plain text (headings, contents entries).

    Links keep their address in brackets so nothing the writer gave is lost.
    """
    return one_line(_EMPHASIS.sub("", replace_links(text, link_as_text)))


# -- headings ----------------------------------------------------------------

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
    key = _AMPERSAND.sub(
        " and ",  # pragma: no mutate
        _DASHES.sub("-", key),
    )
    return collapse_spaces(key).strip(" :.").casefold()


_WRAPPED = re.compile(r"^(\*\*|__)(.+)\1$")


def heading_text(line: str) -> str:
    """A plain-text heading line as shown: "#" marks and bold wrapping removed."""
    heading = markdown_heading(line)
    if heading:
        return heading[1]
    wrapped = _WRAPPED.match(line.strip())
    return one_line(wrapped.group(2) if wrapped else line)


_MARKDOWN_HEADING = re.compile(r"\s{0,3}(#{1,6})\s++(.*)")


def markdown_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of a line written like a Markdown heading, "## Reaction", else None.

    Also how ``parse_article`` tells Markdown from plain text when not told.
    """
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
    return (
        bare.rstrip()  # pragma: no mutate
        if bare != trimmed and bare[-1:].isspace()
        else text
    )


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
