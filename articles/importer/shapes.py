"""What a line of text reads as from its shape: a heading, a caption, prose, a question.

Writers who never mark their headings still write them the same way: a short
line without closing punctuation, with text under it. A short line right
above a table is its caption, and a line ending in "?" is a question. These
tests see one line at a time; the readers decide with the lines around it.
"""

from __future__ import annotations

from ..tabular import is_pipe_row
from . import conventions as c
from .text import MAX_QUESTION_CHARS, is_rule, is_toc_title, one_line

# Headlines run to about a hundred characters; a line longer than this, or
# with more words, is a sentence that lost its full stop.
MAX_SHAPED_HEADING_CHARS = 120
MAX_SHAPED_HEADING_WORDS = 20
MAX_STANDFIRST_CHARS = 400  # Article.standfirst's limit

_CLOSERS = "”\"’')]»*_"
_OPENERS = "“\"‘'(«*_"
_SENTENCE_END = set(".!?:;,…")
# Lines that label a picture or the desk's notes rather than a section.
_NOT_HEADINGS = (
    "photo",
    "image",
    "picture",
    "credit",
    "video",
    "watch",
    "listen",
    "read more",
    "see also",
    "related",
    "updated",
    "published",
    "advertisement",
    "reporting by",
    "editing by",
    "additional reporting",
)


def ends_like_a_sentence(text: str) -> bool:
    """Whether ``text`` closes with punctuation, quotes and brackets aside."""
    bare = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(bare) and bare[-1] in _SENTENCE_END


def _is_convention(text: str) -> bool:
    """A line one of the newsroom's conventions claims: list, box, prompt, byline…"""
    return bool(
        c.bullet_item(text) is not None
        or c.numbered_item(text) is not None
        or c.quoted_line(text) is not None
        or "|" in text
        or is_rule(text)
        or c.comment_prompt(text)
        or c.callout_start(text)
        or c.byline_names(text)
        or c.caption_line(text)
        or c.source_line(text)
        or c.split_dateline(text)
        or is_toc_title(text)
    )


def is_short_line(text: str) -> bool:
    """Short, without closing punctuation, starting with a word: a heading's or caption's shape."""
    if len(text) > 4 * MAX_SHAPED_HEADING_CHARS:
        return False  # too long even with its spaces collapsed; spares the work
    text = one_line(text)
    words = text.split()
    if not words or len(text) > MAX_SHAPED_HEADING_CHARS:
        return False
    if len(words) > MAX_SHAPED_HEADING_WORDS or ends_like_a_sentence(text):
        return False
    first = text.lstrip(_OPENERS)[:1]
    if not first.isalnum() or _is_convention(text):
        return False
    return not text.casefold().startswith(_NOT_HEADINGS)


# Lower-case parts of names: "de la Cruz", "van Gogh", "al-Assad".
NAME_PARTICLES = {
    "de", "la", "le", "les", "du", "des", "van", "von", "der", "den", "da", "di",
    "do", "dos", "das", "del", "della", "al", "el", "bin", "ibn", "ben", "ter",
    "ten", "y", "e", "zu", "op", "het", "'t",
}  # fmt: skip


def looks_like_heading(text: str) -> bool:
    """A short line that could head a section, "Reaction at the Port"."""
    if not is_short_line(text):
        return False
    words = one_line(text).lstrip(_OPENERS).split()
    while len(words) > 1 and words[0].casefold().split("-")[0] in NAME_PARTICLES:
        words = words[1:]
    if words[0][:1].islower() and not _mixed_case(words[0]):
        # "security Guarantees Under Discussion" is a heading with a slip in
        # it; "and then it rained" is the end of a sentence.
        rest = [w for w in words[1:] if w[:1].isalpha()]
        return bool(rest) and sum(w[0].isupper() for w in rest) * 3 >= len(rest) * 2
    return True


def _mixed_case(word: str) -> bool:
    """ "iPhone", "eBay": a lower-case start that is the word's own spelling."""
    return any(ch.isupper() for ch in word[1:])


def reads_as_caption(text: str) -> bool:
    """A short line right above a table that names it, "Ships handled each year"."""
    return is_short_line(text) and not c.labelled_line(one_line(text))


def reads_as_text(text: str) -> bool:
    """A line of body text: a sentence, a list item, a quotation, a labelled point, a box."""
    text = one_line(text)
    if not text or is_pipe_row(text) or is_rule(text):
        return False
    if c.comment_prompt(text):
        return False
    return bool(
        ends_like_a_sentence(text)
        or len(text) > MAX_SHAPED_HEADING_CHARS
        or len(text.split()) > MAX_SHAPED_HEADING_WORDS
        or c.bullet_item(text) is not None
        or c.numbered_item(text) is not None
        or c.quoted_line(text) is not None
        or c.labelled_line(text)
        or c.callout_start(text)
    )


def question_line(text: str) -> str | None:
    """The line as shown when all of it is one question ("How might …?"), else None."""
    text = one_line(text)
    if (
        not text
        or len(text) > MAX_QUESTION_CHARS
        or c.bullet_item(text) is not None
        or c.comment_prompt(text)
    ):
        return None
    end = c.question_end(text)
    if end is None or text[end:].strip(" *_"):
        return None
    return text.strip("*_ ") if c.is_question(text.strip("*_ ")) else None


def could_be_standfirst(text: str) -> bool:
    """Text that may stand under the headline: prose, short, not claimed by a convention."""
    text = one_line(text)
    return bool(
        text
        and len(text) <= MAX_STANDFIRST_CHARS
        and not _is_convention(text)
        and not c.is_callout_heading(text)
    )


# -- the standfirst ------------------------------------------------------------

BEFORE_CONTENTS = "short paragraph between the headline and the contents"
BEFORE_DATELINE = "short paragraph between the headline and the dateline"
BEFORE_BYLINE = "short paragraph between the headline and the byline"
EMPHASISED = "emphasised paragraph under the headline"


def standfirst_rule(
    text: str, following: str, *, before_contents: bool, emphasised: bool = False
) -> str | None:
    """Why the first paragraph ``text`` is the standfirst, or None when it is the lead.

    It is when the contents list comes after it, when the next paragraph
    (``following``) opens with the dateline or is the byline, or when it is
    emphasised as a whole; a short first paragraph alone is just a short lead.
    """
    if not could_be_standfirst(text):
        return None
    if before_contents:
        return BEFORE_CONTENTS
    if c.split_dateline(following):
        return BEFORE_DATELINE
    if c.byline_names(following):
        return BEFORE_BYLINE
    return EMPHASISED if emphasised else None
